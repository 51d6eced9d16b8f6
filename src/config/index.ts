export * from './schema.ts';
export * from './validate.ts';
export * from './url.ts';
export * from './presets.ts';
export * from './sliderKeys.ts';
export * from './panels.ts';
export * from './presentation.ts';
export * from './presetLink.ts';
