// Public surface of src/density: filled as modules land.
export {};
