export declare function buildState(root: string): "missing" | "stale" | "fresh";
