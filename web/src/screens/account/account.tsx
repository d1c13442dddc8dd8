// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { forget, logout, useSession } from '../../api/session';
import type { ApiKey } from '../../api/types';
import { navigate } from '../../router';
import { ErrorNote, Field, apiErrorOf, formValues, useAction, TextField } from '../../ui/form';
import { when } from '../../ui/format';
import { useLoad } from '../../ui/use-load';

export function AccountScreen(): JSX.Element {
  const { user } = useSession();
  const out = useAction(async () => {
    await logout();
    navigate('/login');
  });
  if (!user) return <main />;
  return (
    <main>
      <h1>Account</h1>
      <dl class="facts">
        <dt>Username</dt>
        <dd>{user.username}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Organisation</dt>
        <dd>{user.organisation}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Status</dt>
        <dd>{user.status}</dd>
      </dl>
      <button type="button" onClick={() => out.run()} disabled={out.busy}>
        Log out
      </button>
      <ErrorNote error={out.error} />
      <ApiKeys />
      <Unregister />
    </main>
  );
}

function ApiKeys(): JSX.Element {
  const keys = useLoad(() => api<ApiKey[]>('GET', '/api/me/api-keys'), 'keys');
  const [created, setCreated] = useState<ApiKey | null>(null);
  const create = useAction(async (values: Record<string, string>) => {
    setCreated(await api<ApiKey>('POST', '/api/me/api-keys', { name: values.name }));
    keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api('DELETE', `/api/me/api-keys/${id}`);
    keys.reload();
  });
  return (
    <section>
      <h2>API keys</h2>
      <p>For station and mission software (the TLS gateway and /ws/mission). A key is shown once.</p>
      <form class="inline" onSubmit={(event) => create.run(formValues(event))}>
        <TextField label="Key name" name="name" error={apiErrorOf(create.error)} required />
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      <ErrorNote error={create.error} fieldsShown />
      {created?.key && (
        <p class="secret" role="status">
          Key <strong>{created.name}</strong>: <code data-testid="new-key">{created.key}</code> — copy it now,
          it will not be shown again.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {keys.data?.map((key) => (
            <tr key={key.id} data-key={key.name}>
              <td>{key.name}</td>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{when(key.createdAt)}</td>
              <td>{key.lastUsedAt ? when(key.lastUsedAt) : 'never'}</td>
              <td>
                {key.revokedAt ? (
                  <span class="badge">revoked</span>
                ) : (
                  <button type="button" onClick={() => revoke.run(key.id)} disabled={revoke.busy}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={revoke.error} />
    </section>
  );
}

function Unregister(): JSX.Element {
  const remove = useAction(async (values: Record<string, string>) => {
    await api('DELETE', '/api/me', { password: values.password });
    forget();
    navigate('/login');
  });
  const error = apiErrorOf(remove.error);
  return (
    <section class="danger">
      <h2>Unregister</h2>
      <p>Deletes your account and everything it owns; slots booked with others are cancelled first.</p>
      <form class="inline" onSubmit={(event) => remove.run(formValues(event))}>
        <Field label="Your password, to confirm" name="password" error={error}>
          {(id, d) => <input id={id} name="password" type="password" required aria-describedby={d} />}
        </Field>
        <button type="submit" class="danger" disabled={remove.busy}>
          Delete my account
        </button>
      </form>
      <ErrorNote error={remove.error} fieldsShown />
    </section>
  );
}
