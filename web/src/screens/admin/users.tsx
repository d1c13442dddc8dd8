// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import type { AccountStatus, User } from '../../api/types';
import { ErrorNote, useAction } from '../../ui/form';
import { useLoad } from '../../ui/use-load';

const FILTERS: (AccountStatus | 'ALL')[] = ['PENDING', 'ALL', 'ACTIVE', 'SUSPENDED', 'DENIED'];

/** The approval queue (pending accounts first) and every user with its status. */
export function UsersScreen(): JSX.Element {
  const [filter, setFilter] = useState<AccountStatus | 'ALL'>('PENDING');
  const query = filter === 'ALL' ? '' : `?status=${filter}`;
  const users = useLoad(() => api<User[]>('GET', `/api/admin/users${query}`), filter);
  return (
    <main>
      <h1>Users</h1>
      <div class="tabs" role="group" aria-label="Show users">
        {FILTERS.map((f) => (
          <button type="button" key={f} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f === 'PENDING' ? 'Pending approval' : f === 'ALL' ? 'All' : f.toLowerCase()}
          </button>
        ))}
      </div>
      <ErrorNote error={users.error} />
      {users.data && users.data.length === 0 && (
        <p>No {filter === 'ALL' ? '' : filter.toLowerCase()} accounts.</p>
      )}
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Organisation</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <UserRow key={u.id} user={u} changed={users.reload} />
          ))}
        </tbody>
      </table>
    </main>
  );
}

function UserRow(props: { user: User; changed: () => void }): JSX.Element {
  const { user } = props;
  const [reason, setReason] = useState('');
  const decide = useAction(async (verb: string, body?: unknown) => {
    await api('POST', `/api/admin/users/${seg(user.username)}/${verb}`, body);
    props.changed();
  });
  const can = (states: AccountStatus[]) => states.includes(user.status);
  return (
    <tr data-user={user.username}>
      <td>
        <strong>{user.username}</strong>
        <br />
        <small>{user.email}</small>
      </td>
      <td>{user.organisation}</td>
      <td>
        <span class={`badge ${user.status.toLowerCase()}`}>{user.status}</span>
        {user.statusReason && <small> ({user.statusReason})</small>}
      </td>
      <td class="actions">
        {can(['PENDING', 'DENIED']) && (
          <button type="button" disabled={decide.busy} onClick={() => decide.run('approve')}>
            Approve
          </button>
        )}
        {can(['PENDING', 'ACTIVE']) && (
          <input
            aria-label={`Reason for ${user.username}`}
            placeholder="reason"
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        )}
        {can(['PENDING']) && (
          <button type="button" disabled={decide.busy} onClick={() => decide.run('deny', { reason })}>
            Deny
          </button>
        )}
        {can(['ACTIVE']) && (
          <button
            type="button"
            disabled={decide.busy}
            onClick={() => decide.run('suspend', reason ? { reason } : {})}
          >
            Suspend
          </button>
        )}
        {can(['SUSPENDED']) && (
          <button type="button" disabled={decide.busy} onClick={() => decide.run('reactivate')}>
            Reactivate
          </button>
        )}
        <ErrorNote error={decide.error} />
      </td>
    </tr>
  );
}
