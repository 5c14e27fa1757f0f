// Public surface of src/math: filled as modules land.
export {};
