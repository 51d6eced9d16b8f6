// Types for headers.mjs (imported by vite.config.ts and the end-to-end tests).
export declare const CONTENT_SECURITY_POLICY: string;
export declare const DEV_CONTENT_SECURITY_POLICY: string;
export declare const ISOLATION_HEADERS: Readonly<Record<string, string>>;
export declare const SECURITY_HEADERS: Readonly<Record<string, string>>;
export declare const DEV_SECURITY_HEADERS: Readonly<Record<string, string>>;
