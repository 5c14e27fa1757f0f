// Public surface of src/models: filled as modules land.
export {};
