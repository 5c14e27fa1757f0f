// Public surface of src/ops: filled as modules land.
export {};
