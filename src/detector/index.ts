// Public surface of src/detector: filled as modules land.
export {};
