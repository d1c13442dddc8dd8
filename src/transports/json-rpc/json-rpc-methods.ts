// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';

export interface JsonRpcMethod<P extends object = object> {
  name: string;
  description: string;
  /** DTO class validating the params, the same one REST uses; absent for methods without params. */
  params?: new () => P;
  /** Order of named params when a client sends them by position. */
  positional?: readonly (keyof P & string)[];
  /**
   * Rewrites named params written with another vocabulary (the seed's Annex D snake_case names)
   * into this method's own, before validation. Positional params are always the method's own.
   */
  adapt?: (params: Record<string, unknown>) => Record<string, unknown>;
  /** Callable without a bearer token (register, login, system.listMethods). */
  public?: boolean;
  handler(ctx: RequestContext, params: P): Promise<unknown>;
}

/** The registry each feature module adds its methods to at start-up. */
@Injectable()
export class JsonRpcMethods {
  private readonly methods = new Map<string, JsonRpcMethod>();

  register<P extends object>(method: JsonRpcMethod<P>): void {
    if (this.methods.has(method.name)) throw new Error(`JSON-RPC method ${method.name} registered twice`);
    this.methods.set(method.name, method as unknown as JsonRpcMethod);
  }

  get(name: string): JsonRpcMethod | undefined {
    return this.methods.get(name);
  }

  list(): { name: string; description: string; public: boolean }[] {
    return [...this.methods.values()]
      .map((method) => ({
        name: method.name,
        description: method.description,
        public: method.public ?? false,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
