import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * Where the embedded provider keeps sessions, codes and tokens: in this process's memory, so a
 * restart of `npm start` signs everyone out (their pages sign in again). That is the point of
 * a demo provider on loopback; a deployment uses its own provider. Expired entries are dropped
 * when next read, and swept every minute.
 */
export function memoryAdapter(): new (model: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expires: number }>();
  const uids = new Map<string, string>();
  const grants = new Map<string, Set<string>>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expires <= now) entries.delete(key);
    for (const [uid, id] of uids) if (!entries.has(`Session:${id}`)) uids.delete(uid);
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (!keys.size) grants.delete(grantId);
    }
  }, 60_000);
  sweep.unref();

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      entries.set(key, { payload, expires: Date.now() + expiresIn * 1000 });
      if (payload.uid) uids.set(payload.uid, id);
      if (payload.grantId) {
        const tokens = grants.get(payload.grantId) ?? new Set<string>();
        tokens.add(key);
        grants.set(payload.grantId, tokens);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = uids.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // no device flow here
    }

    async consume(id: string): Promise<void> {
      const payload = read(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) entries.delete(key);
      grants.delete(grantId);
    }
  };
}
