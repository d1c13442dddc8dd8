// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { Link } from '../../router';
import { ErrorNote, Field, apiErrorOf, formValues, useAction } from '../../ui/form';

export function SignupScreen(): JSX.Element {
  const [registered, setRegistered] = useState<User | null>(null);
  const action = useAction(async (values: Record<string, string>) => {
    setRegistered(await api<User>('POST', '/api/auth/register', values));
  });
  const error = apiErrorOf(action.error);
  if (registered)
    return (
      <main class="narrow">
        <h1>Account requested</h1>
        <p role="status">
          <strong>{registered.username}</strong> is <span class="badge">{registered.status}</span>: an
          administrator must approve it before you can log in. You will get an email at {registered.email}.
        </p>
        <Link href="/login">Back to log in</Link>
      </main>
    );
  return (
    <main class="narrow">
      <h1>Sign up</h1>
      <form onSubmit={(event) => action.run(formValues(event))}>
        <Field label="Username" name="username" error={error}>
          {(id, d) => <input id={id} name="username" autocomplete="username" aria-describedby={d} />}
        </Field>
        <Field label="Email" name="email" error={error}>
          {(id, d) => <input id={id} name="email" type="email" autocomplete="email" aria-describedby={d} />}
        </Field>
        <Field label="Organisation" name="organisation" error={error}>
          {(id, d) => <input id={id} name="organisation" autocomplete="organization" aria-describedby={d} />}
        </Field>
        <Field label="Password" name="password" error={error}>
          {(id, d) => (
            <input id={id} name="password" type="password" autocomplete="new-password" aria-describedby={d} />
          )}
        </Field>
        <ErrorNote error={action.error} fieldsShown />
        <button type="submit" disabled={action.busy}>
          Sign up
        </button>
      </form>
      <p>
        Already approved? <Link href="/login">Log in</Link>
      </p>
    </main>
  );
}
