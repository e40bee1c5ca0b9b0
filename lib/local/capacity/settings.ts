/**
 * What the capacity emulator enforces, in DynamoDB's own units and AWS's own numbers (docs/capacity.md
 * cites them): per partition key value of the table and of each GSI, 1,000 write units and 3,000 read
 * units a second; per table and per index, the warm throughput of a new on-demand table, 4,000 write
 * and 12,000 read units a second; an item inside an ongoing TransactWriteItems is held from its
 * arrival until `transactionHoldMs` after its answer. `scale` divides every rate and multiplies the
 * hold, so that tests and the bench meet the limits within seconds.
 */
export interface CapacitySettings {
  scale: number;
  partitionWriteUnits: number;
  partitionReadUnits: number;
  tableWriteUnits: number;
  tableReadUnits: number;
  transactionHoldMs: number;
}

export const AWS_CAPACITY: CapacitySettings = {
  scale: 1,
  partitionWriteUnits: 1_000,
  partitionReadUnits: 3_000,
  tableWriteUnits: 4_000,
  tableReadUnits: 12_000,
  transactionHoldMs: 10,
};

/** The rates and hold the emulator applies: the settings with their scale applied. */
export interface EffectiveCapacity {
  partitionWrite: number;
  partitionRead: number;
  tableWrite: number;
  tableRead: number;
  holdMs: number;
}

export const effective = (settings: CapacitySettings): EffectiveCapacity => ({
  partitionWrite: settings.partitionWriteUnits / settings.scale,
  partitionRead: settings.partitionReadUnits / settings.scale,
  tableWrite: settings.tableWriteUnits / settings.scale,
  tableRead: settings.tableReadUnits / settings.scale,
  holdMs: settings.transactionHoldMs * settings.scale,
});

const KEYS = Object.keys(AWS_CAPACITY) as (keyof CapacitySettings)[];

/**
 * DYNAMODB_CAPACITY: unset (AWS's numbers), `off`, or JSON with any of the settings. A bad value is an
 * Error whose message names it and what it takes, for the command's one-line `error:`.
 */
export function capacityFrom(raw: string | undefined): CapacitySettings | 'off' {
  if (raw === undefined || raw.trim() === '') return AWS_CAPACITY;
  if (raw.trim() === 'off') return 'off';
  const shape = `DYNAMODB_CAPACITY must be 'off' or a JSON object with any of ${KEYS.join(', ')} (positive numbers)`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${shape}; it is not JSON: ${raw.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${shape}, not ${raw.slice(0, 80)}`);
  const settings: CapacitySettings = { ...AWS_CAPACITY };
  for (const [key, value] of Object.entries(parsed)) {
    if (!KEYS.includes(key as keyof CapacitySettings)) throw new Error(`${shape}; '${key}' is not one of them`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`${shape}; ${key} is ${JSON.stringify(value)}`);
    }
    settings[key as keyof CapacitySettings] = value;
  }
  return settings;
}

const figure = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** One line that says what is emulated, for `npm start`. */
export function describeCapacity(settings: CapacitySettings | 'off'): string {
  if (settings === 'off') return 'off (DYNAMODB_CAPACITY=off): no throughput limits, as DynamoDB Local has none';
  const rates = effective(settings);
  return (
    `${figure(rates.partitionWrite)} write and ${figure(rates.partitionRead)} read units/s per partition key value, ` +
    `${figure(rates.tableWrite)} and ${figure(rates.tableRead)} per table and index, transactions hold items ${figure(rates.holdMs)} ms` +
    (KEYS.some((key) => key !== 'scale' && settings[key] !== AWS_CAPACITY[key])
      ? ' (DYNAMODB_CAPACITY)'
      : settings.scale === 1
        ? " (AWS's numbers; DYNAMODB_CAPACITY=off turns it off)"
        : ` (AWS's numbers divided by ${figure(settings.scale)})`)
  );
}
