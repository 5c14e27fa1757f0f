// Public surface of src/train: filled as modules land.
export {};
