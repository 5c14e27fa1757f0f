// Public surface of src/train (the trainer lands once src/ops and src/models do).
export {};
