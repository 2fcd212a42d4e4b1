import { createContext, useContext } from "react";

// The CSP nonce of this response (server/http/security-headers.ts), for every inline script React
// renders. Empty in the browser: scripts added after hydration are not inline.
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
