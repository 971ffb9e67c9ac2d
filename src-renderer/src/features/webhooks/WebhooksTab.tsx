import type { RouteResponse } from '@shared/api/contract';
import type { webhookRoutes } from '@shared/api/route-table';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { attempt } from '../../api/result';
import { api } from '../../app/services';
import { formatDate } from '../server-settings/names';
import './webhooks.css';
import { CopyButton } from '../../ui/CopyButton';
import { FormStatus } from '../../ui/FormStatus';

type Webhook = RouteResponse<typeof webhookRoutes.updateWebhook>;
type WebhookWithSecret = RouteResponse<typeof webhookRoutes.createWebhook>;
type Delivery = RouteResponse<typeof webhookRoutes.listWebhookDeliveries>['items'][number];
type EventType = Webhook['events'][number];

/** The events a webhook can subscribe to, in the order the form lists them (the server's WEBHOOK_EVENT_TYPES). */
const EVENTS: [EventType, string][] = [
  ['message.created', 'Message sent'],
  ['member.joined', 'Member joined'],
  ['member.left', 'Member left'],
  ['voice.joined', 'Joined voice'],
  ['voice.left', 'Left voice'],
  ['recording.finished', 'Recording finished'],
  ['call.started', 'Voice call started'],
  ['call.ended', 'Voice call ended'],
];
const EVENT_LABEL = new Map(EVENTS);

/**
 * Server settings → Webhooks (MANAGE_WEBHOOKS): the guild's outbound webhooks, a form to add one with its events, the
 * signing secret shown once after creating or rotating, and per webhook its delivery log with redelivery.
 */
export function WebhooksTab({ guildId }: { guildId: string }) {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const [openLog, setOpenLog] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void attempt(() => api().webhooks.list(guildId)).then((r) => {
      if (!live) return;
      if (r.ok) setHooks(r.value.items);
      else setError(r.message);
    });
    return () => {
      live = false;
    };
  }, [guildId]);

  const replace = (w: Webhook) => setHooks((list) => (list ?? []).map((x) => (x.id === w.id ? w : x)));

  async function toggle(w: Webhook, enabled: boolean) {
    setError(null);
    const r = await attempt(() => api().webhooks.update(guildId, w.id, { enabled }));
    if (r.ok) replace(r.value);
    else setError(r.message);
  }
  async function rotate(w: Webhook) {
    setError(null);
    const r = await attempt(() => api().webhooks.rotateSecret(guildId, w.id));
    if (r.ok) {
      replace(r.value);
      setSecret(r.value);
    } else setError(r.message);
  }
  async function remove(w: Webhook) {
    setError(null);
    const r = await attempt(() => api().webhooks.remove(guildId, w.id));
    if (r.ok) {
      setHooks((list) => (list ?? []).filter((x) => x.id !== w.id));
      if (openLog === w.id) setOpenLog(null);
      if (secret?.id === w.id) setSecret(null);
    } else setError(r.message);
  }

  return (
    <div className="admin-section webhooks">
      <h3>Webhooks</h3>
      <p className="muted small">
        Webhooks send this server&apos;s events to another service as signed HTTPS requests (Standard Webhooks format). Failed deliveries
        are retried for more than a day; a webhook whose events keep failing is turned off.
      </p>
      <CreateWebhook
        guildId={guildId}
        onCreated={(w) => {
          setHooks((list) => [...(list ?? []), w]);
          setSecret(w);
        }}
      />
      {secret && <SecretPanel webhook={secret} onDone={() => setSecret(null)} />}
      <div aria-live="polite">
        {error && (
          <p className="admin-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <table className="admin-table">
        <caption className="sr-only">Webhooks of this server</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Events</th>
            <th scope="col">Enabled</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(hooks ?? []).map((w) => (
            <tr key={w.id} data-webhook={w.id}>
              <td>
                <div>{w.name}</div>
                <div className="muted small webhook-url">{w.url}</div>
                {w.disabledReason === 'failures' && <div className="admin-error small">Turned off after repeated failed deliveries</div>}
              </td>
              <td className="small">{w.events.map((e) => EVENT_LABEL.get(e) ?? e).join(', ')}</td>
              <td>
                <input
                  type="checkbox"
                  role="switch"
                  className="switch"
                  aria-label={`Enable webhook ${w.name}`}
                  checked={w.enabled}
                  onChange={(e) => void toggle(w, e.target.checked)}
                />
              </td>
              <td>
                <div className="admin-inline wrap">
                  <button
                    type="button"
                    className="btn secondary small"
                    aria-expanded={openLog === w.id}
                    aria-label={`Deliveries of ${w.name}`}
                    onClick={() => setOpenLog(openLog === w.id ? null : w.id)}
                  >
                    Deliveries
                  </button>
                  <button
                    type="button"
                    className="btn secondary small"
                    aria-label={`Rotate secret of ${w.name}`}
                    onClick={() => void rotate(w)}
                  >
                    Rotate secret
                  </button>
                  <button
                    type="button"
                    className="btn admin-danger-outline small"
                    aria-label={`Delete webhook ${w.name}`}
                    onClick={() => void remove(w)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hooks && hooks.length === 0 && <p className="muted small">No webhooks yet.</p>}
      {openLog && hooks?.some((w) => w.id === openLog) && (
        <DeliveryLog guildId={guildId} webhook={hooks.find((w) => w.id === openLog)!} key={openLog} />
      )}
    </div>
  );
}

function CreateWebhook({ guildId, onCreated }: { guildId: string; onCreated: (w: WebhookWithSecret) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventType[]>(['message.created']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), url: useId(), legend: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (events.length === 0) {
      setError('Pick at least one event.');
      return;
    }
    setBusy(true);
    setError(null);
    const r = await attempt(() => api().webhooks.create(guildId, { name: name.trim(), url: url.trim(), events, enabled: true }));
    setBusy(false);
    if (r.ok) {
      setName('');
      setUrl('');
      onCreated(r.value);
    } else setError(r.message);
  }

  return (
    <form className="webhook-create" onSubmit={(e) => void submit(e)} aria-label="Create a webhook">
      <div className="admin-inline wrap end">
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} data-autofocus />
        </div>
        <div className="field grow">
          <label htmlFor={ids.url}>URL</label>
          <input
            id={ids.url}
            type="url"
            value={url}
            required
            placeholder="https://example.com/hooks/parley"
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
      </div>
      <fieldset className="webhook-events">
        <legend id={ids.legend}>Events</legend>
        {EVENTS.map(([type, label]) => (
          <label key={type} className="webhook-event">
            <input
              type="checkbox"
              checked={events.includes(type)}
              onChange={(e) => setEvents((list) => (e.target.checked ? [...list, type] : list.filter((x) => x !== type)))}
            />
            {label} <code className="small">{type}</code>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="btn primary" disabled={busy}>
        Create webhook
      </button>
      <div aria-live="polite">
        {error && (
          <p className="admin-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

function SecretPanel({ webhook, onDone }: { webhook: WebhookWithSecret; onDone: () => void }) {
  const id = useId();
  return (
    <div className="webhook-secret" role="region" aria-label={`Signing secret of ${webhook.name}`}>
      <label htmlFor={id} className="admin-plain-label">
        Signing secret of {webhook.name}: copy it now, it is not shown again
      </label>
      <div className="copy-row">
        <input id={id} readOnly value={webhook.secret} data-webhook-secret onFocus={(e) => e.target.select()} />
        <CopyButton text={webhook.secret} fieldId={id} what="secret" />
        <button type="button" className="btn secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function DeliveryLog({ guildId, webhook }: { guildId: string; webhook: Webhook }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    void attempt(() => api().webhooks.deliveries(guildId, webhook.id)).then((r) => {
      if (!live) return;
      if (r.ok) setItems(r.value.items);
      else setError(r.message);
    });
    return () => {
      live = false;
    };
  }, [guildId, webhook.id, version]);

  async function redeliver(d: Delivery) {
    setError(null);
    setNote(null);
    const r = await attempt(() => api().webhooks.redeliver(guildId, webhook.id, d.eventId));
    if (r.ok) setNote('Queued for redelivery. Refresh to see the attempt.');
    else setError(r.message);
  }

  return (
    <section className="webhook-log" aria-label={`Delivery log of ${webhook.name}`}>
      <div className="admin-inline">
        <h4 className="grow">Deliveries of {webhook.name}</h4>
        <button type="button" className="btn secondary small" onClick={() => setVersion((v) => v + 1)}>
          Refresh
        </button>
      </div>
      <FormStatus error={error} saved={note} />
      <table className="admin-table">
        <caption className="sr-only">Delivery attempts, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Attempt</th>
            <th scope="col">Result</th>
            <th scope="col">Time</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(items ?? []).map((d) => (
            <tr key={d.id} data-delivery={d.id}>
              <td className="small">{formatDate(d.at)}</td>
              <td className="small">{EVENT_LABEL.get(d.eventType) ?? d.eventType}</td>
              <td>{d.attempt}</td>
              <td className={d.ok ? 'small' : 'small admin-error'}>
                {d.statusCode !== null ? `HTTP ${d.statusCode}` : (d.error ?? 'failed')}
              </td>
              <td className="small">{d.durationMs} ms</td>
              <td>
                <button
                  type="button"
                  className="btn secondary small"
                  aria-label={`Redeliver ${EVENT_LABEL.get(d.eventType) ?? d.eventType} event, attempt ${d.attempt}`}
                  disabled={!webhook.enabled}
                  onClick={() => void redeliver(d)}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && items.length === 0 && <p className="muted small">Nothing delivered yet.</p>}
    </section>
  );
}
