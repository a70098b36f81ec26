import type { FormatExamples } from '../types.js'

const ant = (prefix: string, suffix = 'AA') =>
  `${prefix}abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyz${suffix}`

export const EXAMPLES: Readonly<Record<string, FormatExamples>> = {
  'anthropic-admin-key': {
    positives: [ant('sk-ant-admin01-')],
    lookalikes: [ant('sk-ant-admin01-', 'BB'), ant('sk-ant-admin02-'), 'sk-ant-admin01-abc123xyz-456deAA'],
  },
  'anthropic-api-key': {
    positives: [ant('sk-ant-api03-')],
    lookalikes: [ant('sk-ant-api03-', 'BB'), ant('sk-ant-api02-'), 'sk-ant-api03-short_AA'],
  },
  'adafruit-io-key': {
    positives: ['aio_FkDq61bK2HrUe8qSq6Wb5T3n0JmP'],
    lookalikes: ['aio_FkDq61bK2HrUe8qSq6Wb5T3n0J', 'the adafruit feather board'],
  },
}
