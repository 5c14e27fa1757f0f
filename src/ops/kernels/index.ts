// Kernel fills for backends that lack kernels the library needs (registered on import).
export {};
