/** Types of bundle-fresh.js (plain JavaScript: bin/meshward.js reads it before tsx is loaded). */
export declare const inputsPathOf: (bundle: string) => string;
export declare const bundleState: (bundle: string) => 'fresh' | 'missing' | 'stale';
