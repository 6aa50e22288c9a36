// The bundle maps `undici` here (see ../tsconfig.json); the types are undici's own.
export * from 'undici/index.js'
