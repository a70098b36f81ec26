import { describe, expect, it } from 'vitest'
import { createRouteInventory } from './routes.js'

describe('route inventory', () => {
  it('lists declared routes first, reports an undeclared one on its first success only', () => {
    const inventory = createRouteInventory(['GET /a'], () => 0)
    expect(inventory.finished('/x/:n', 'GET', 404)).toBe(false)
    expect(inventory.finished('/x/:n', 'GET', 200)).toBe(true)
    expect(inventory.finished('/x/:n', 'POST', 201)).toBe(false)
    expect(inventory.finished('GET /a', 'GET', 200)).toBe(false)
    inventory.filtered('GET /a', 3, 1)
    expect(inventory.snapshot()).toEqual([
      {
        route: 'GET /a',
        declared: true,
        registered: false,
        requests: 1,
        statuses: { '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 },
        droppedMembers: 3,
        findings: 1,
        methods: ['GET'],
        lastSeen: '1970-01-01T00:00:00.000Z',
      },
      // The 404 came before the route was known: it counts among the unmatched failures.
      expect.objectContaining({ route: '/x/:n', declared: false, requests: 2, methods: ['GET', 'POST'] }),
      expect.objectContaining({ route: '(unmatched failures)', requests: 1 }),
    ])
  })

  it('stays bounded under random paths, keeping the declared routes', () => {
    const inventory = createRouteInventory(['GET /a'])
    for (let i = 0; i < 10_000; i++) inventory.finished(`/random-${i}`, 'GET', 404)
    const snapshot = inventory.snapshot()
    expect(snapshot.length).toBeLessThanOrEqual(2048)
    expect(snapshot[0]).toMatchObject({ route: 'GET /a', declared: true })
  })
})

describe('route inventory under attack', () => {
  it('gives failing unknown paths one row, and never evicts registered routes', () => {
    const inventory = createRouteInventory(['GET /a'])
    inventory.register('/debug/:n', false)
    for (let i = 0; i < 5000; i++) inventory.finished(`/zz${i}x`, 'GET', 404)
    for (let i = 0; i < 3000; i++) inventory.finished(`/ok${i}`, 'GET', 200)
    const snapshot = inventory.snapshot()
    expect(snapshot.length).toBeLessThanOrEqual(2048)
    expect(snapshot.find((r) => r.route === '/debug/:n')).toMatchObject({ registered: true })
    expect(snapshot.find((r) => r.route === '(unmatched failures)')).toMatchObject({ requests: 5000 })
  })
})
