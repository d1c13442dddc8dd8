// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { login } from '../../api/session';
import { Link, navigate } from '../../router';
import { ErrorNote, Field, apiErrorOf, formValues, useAction } from '../../ui/form';

export function LoginScreen(): JSX.Element {
  const action = useAction(async (values: Record<string, string>) => {
    await login(values.username, values.password);
    navigate('/');
  });
  const error = apiErrorOf(action.error);
  return (
    <main class="narrow">
      <h1>Log in</h1>
      <form onSubmit={(event) => action.run(formValues(event))}>
        <Field label="Username or email" name="username" error={error}>
          {(id, d) => <input id={id} name="username" autocomplete="username" required aria-describedby={d} />}
        </Field>
        <Field label="Password" name="password" error={error}>
          {(id, d) => (
            <input
              id={id}
              name="password"
              type="password"
              autocomplete="current-password"
              required
              aria-describedby={d}
            />
          )}
        </Field>
        <ErrorNote error={action.error} fieldsShown />
        <button type="submit" disabled={action.busy}>
          Log in
        </button>
      </form>
      <p>
        No account? <Link href="/signup">Sign up</Link>
      </p>
    </main>
  );
}
