export * from './schema.ts';
export * from './validate.ts';
export * from './url.ts';
export * from './presets.ts';
export * from './sliderKeys.ts';
