// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback, useEffect } from 'preact/hooks';
import { useChanges, useSession } from './api/session';
import type { Change } from './api/types';
import { Link, match, navigate, usePath } from './router';
import { AccountScreen } from './screens/account/account';
import { UsersScreen } from './screens/admin/users';
import { LoginScreen } from './screens/auth/login';
import { SignupScreen } from './screens/auth/signup';
import { HistoryScreen } from './screens/history/history';
import { LiveSlotScreen } from './screens/live/live-slot';
import { StationLiveScreen } from './screens/live/station-live';
import { SpacecraftListScreen, SpacecraftPage } from './screens/spacecraft/spacecraft';
import { StationPage } from './screens/stations/station-page';
import { StationsScreen } from './screens/stations/stations';
import { Toasts, toast } from './ui/toasts';

const PUBLIC = ['/login', '/signup'];

export function App(): JSX.Element {
  const path = usePath();
  const { user, streamState } = useSession();
  useChanges(useCallback((change: Change) => toast(describeChange(change)), []));
  useEffect(() => {
    if (!user && !PUBLIC.includes(path)) navigate('/login');
    else if (user && (PUBLIC.includes(path) || path === '/'))
      navigate(user.role === 'ADMIN' ? '/admin/users' : '/stations');
  }, [user, path]);
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header>
        <strong class="brand">SATNet</strong>
        {user && (
          <nav aria-label="Main">
            <Link href="/stations">Stations</Link>
            <Link href="/spacecraft">Spacecraft</Link>
            {user.role === 'ADMIN' && <Link href="/admin/users">Users</Link>}
            <Link href="/account">{user.username}</Link>
            <span
              class={`live-dot ${streamState}`}
              title={`booking events: ${streamState}`}
              aria-label={`booking events ${streamState}`}
            />
          </nav>
        )}
      </header>
      <div id="content">{route(path)}</div>
      <Toasts />
    </>
  );
}

function route(path: string): JSX.Element | null {
  let params: Record<string, string> | null;
  if (path === '/login') return <LoginScreen />;
  if (path === '/signup') return <SignupScreen />;
  if (path === '/account') return <AccountScreen />;
  if (path === '/admin/users') return <UsersScreen />;
  if (path === '/stations') return <StationsScreen />;
  if ((params = match('/stations/:id', path))) return <StationPage key={params.id} identifier={params.id} />;
  if (path === '/spacecraft') return <SpacecraftListScreen />;
  if ((params = match('/spacecraft/:id', path)))
    return <SpacecraftPage key={params.id} identifier={params.id} />;
  if ((params = match('/live/ground-stations/:gs/:slot', path)))
    return <StationLiveScreen key={params.slot} station={params.gs} slot={params.slot} />;
  if ((params = match('/live/:sc/:slot', path)))
    return <LiveSlotScreen key={params.slot} spacecraft={params.sc} slot={params.slot} />;
  if (
    (params = match('/history/:kind/:id/:slot', path)) &&
    (params.kind === 'spacecraft' || params.kind === 'ground-stations')
  )
    return <HistoryScreen key={params.slot} kind={params.kind} identifier={params.id} slot={params.slot} />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <Link href="/">Home</Link>
      </p>
    </main>
  );
}

function describeChange(change: Change): string {
  return `${change.scIdentifier} at ${change.gsIdentifier}: ${change.from} → ${change.to} (${change.reason})`;
}
