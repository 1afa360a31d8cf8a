import { createContext } from "preact";
import { useContext } from "preact/hooks";

export interface Session {
  userName: string;
  role: string;
  permissions: string[];
  expiresDateTime?: string;
}

export const SessionContext = createContext<Session | null>(null);

// True when the signed-in role has the permission. The server checks every call anyway; the
// portal only hides what the role cannot do.
export function useCan(): (permission: string) => boolean {
  const session = useContext(SessionContext);
  return (permission) => session?.permissions.includes(permission) ?? false;
}
