import type { LabConfig } from '../../config/index.ts';
import type { Task } from '../../engine/index.ts';
import type { RunTrace } from '../../state/training.ts';
import type { Series } from '../../state/series.ts';
import type { Direction } from './threshold.ts';

export type MetricKey = LabConfig['lm'];

/** What the panel draws for one choice of `lm` and one task; the table's entries are stable objects. */
export interface MetricView {
  readonly key: MetricKey;
  /** "training loss", lower case, as it reads inside a sentence. */
  readonly name: string;
  readonly unit: string;
  readonly direction: Direction;
  /** Accuracy is a fraction in [0, 1]: its axis is always linear and fixed. */
  readonly logAllowed: boolean;
  /** Per-step minibatch losses are noisy: drawn as coarser bucket means. */
  readonly smoothed: boolean;
  /** False where the task does not define the metric (accuracy of a regression). */
  readonly defined: boolean;
  readonly series: (trace: RunTrace) => Series;
}

const lossUnit: Record<Task, string> = { classification: 'nats, cross-entropy', regression: 'MSE' };

function table(task: Task): Record<MetricKey, MetricView> {
  return {
    train: {
      key: 'train',
      name: 'training loss',
      unit: lossUnit[task],
      direction: 'down',
      logAllowed: true,
      smoothed: true,
      defined: true,
      series: (trace) => trace.train,
    },
    test: {
      key: 'test',
      name: 'test loss',
      unit: lossUnit[task],
      direction: 'down',
      logAllowed: true,
      smoothed: false,
      defined: true,
      series: (trace) => trace.testLoss,
    },
    acc: {
      key: 'acc',
      name: 'test accuracy',
      unit: 'fraction',
      direction: 'up',
      logAllowed: false,
      smoothed: false,
      defined: task === 'classification',
      series: (trace) => trace.testAccuracy,
    },
  };
}

const METRICS: Record<Task, Record<MetricKey, MetricView>> = {
  classification: table('classification'),
  regression: table('regression'),
};

export function metricView(key: MetricKey, task: Task): MetricView {
  return METRICS[task][key];
}

export function axisTitle(metric: MetricView, logY: boolean): string {
  return `${metric.name} (${metric.unit}${logY ? ', log' : ''})`;
}
