/// <reference types="vite/client" />

/** The app's configuration, from .env files or the environment when Vite starts (see README.md). */
interface ImportMetaEnv {
  /** Deckard's base URL; http://localhost:5080 when unset or empty. */
  readonly VITE_DECKARD_API?: string;
  /** The bearer token (an API key or a JWT); deckard-dev-key when unset or empty. */
  readonly VITE_DECKARD_TOKEN?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
