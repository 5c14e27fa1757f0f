// Public surface of src/data: synthetic MVTec-like images (pure, browser-safe).
export {};
