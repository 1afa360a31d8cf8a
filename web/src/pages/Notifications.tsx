import { useState } from "preact/hooks";
import { get, post, request } from "../api";
import { ErrorState, Loading, Notice, type Message } from "../components/States";
import { useAsync } from "../components/useAsync";
import { useCan } from "../session";

interface Webhook {
  id: string;
  url: string;
  secret?: string;
  hasSecret?: boolean;
  isEnabled: boolean;
  eventTypes: string[];
  minimumRiskLevel: string;
}

interface Settings {
  riskyUsersAlert: { isEnabled: boolean; notifyRoleHolders: boolean; recipients: string[]; minimumRiskLevel: string };
  weeklyDigest: { isEnabled: boolean; notifyRoleHolders: boolean; recipients: string[] };
  webhooks: Webhook[];
}

const split = (text: string) => text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean);

export function Notifications() {
  const loaded = useAsync(() => get<Settings>("/v1/notifications/settings"), "notificationSettings");
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  return <SettingsForm initial={loaded.data} />;
}

function SettingsForm({ initial }: { initial: Settings }) {
  const can = useCan();
  const editable = can("manageNotifications");
  const [settings, setSettings] = useState<Settings>(initial);
  const [message, setMessage] = useState<Message | null>(null);
  const change = (edit: (draft: Settings) => void) => {
    const next = structuredClone(settings);
    edit(next);
    setSettings(next);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    try {
      // A webhook's secret is write-only: GET shows hasSecret, and a PUT without it keeps it.
      const body = { ...settings, webhooks: settings.webhooks.map(({ hasSecret: _h, ...webhook }) => (void _h, webhook.secret ? webhook : { ...webhook, secret: undefined })) };
      await request("PUT", "/v1/notifications/settings", body);
      setMessage({ text: "Notification settings saved." });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  const sendDigest = async () => {
    setMessage(null);
    try {
      await post("/v1/notifications/weeklyDigest/send", {});
      setMessage({ text: "The weekly digest was sent." });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  const alert = settings.riskyUsersAlert;
  const digest = settings.weeklyDigest;
  return (
    <section aria-labelledby="notifications-title">
      <header class="page-header">
        <h1 id="notifications-title">Notifications</h1>
        <p class="intro">Who hears about risky users: the alert email, the weekly digest, and webhooks for your SIEM or chat.</p>
      </header>
      <form onSubmit={save}>
        <fieldset disabled={!editable}>
          <section class="card">
            <h2>Users at risk detected</h2>
            <label class="inline">
              <input type="checkbox" name="alertEnabled" checked={alert.isEnabled} onChange={(e) => change((d) => (d.riskyUsersAlert.isEnabled = (e.target as HTMLInputElement).checked))} /> Send the alert email
            </label>
            <label class="field narrow">
              <span>When a user's risk reaches</span>
              <select name="alertLevel" value={alert.minimumRiskLevel} onChange={(e) => change((d) => (d.riskyUsersAlert.minimumRiskLevel = (e.target as HTMLSelectElement).value))}>
                <option value="high">High</option>
                <option value="medium">Medium</option>
                <option value="low">Low</option>
              </select>
            </label>
            <label class="inline">
              <input type="checkbox" checked={alert.notifyRoleHolders} onChange={(e) => change((d) => (d.riskyUsersAlert.notifyRoleHolders = (e.target as HTMLInputElement).checked))} /> Also email security administrators and readers
            </label>
            <label class="field">
              <span>Recipients</span>
              <textarea name="alertRecipients" value={alert.recipients.join("\n")} onChange={(e) => change((d) => (d.riskyUsersAlert.recipients = split((e.target as HTMLTextAreaElement).value)))} />
            </label>
          </section>
          <section class="card">
            <h2>Weekly digest</h2>
            <label class="inline">
              <input type="checkbox" checked={digest.isEnabled} onChange={(e) => change((d) => (d.weeklyDigest.isEnabled = (e.target as HTMLInputElement).checked))} /> Send every Monday
            </label>
            <label class="inline">
              <input type="checkbox" checked={digest.notifyRoleHolders} onChange={(e) => change((d) => (d.weeklyDigest.notifyRoleHolders = (e.target as HTMLInputElement).checked))} /> Also email security administrators and readers
            </label>
            <label class="field">
              <span>Recipients</span>
              <textarea value={digest.recipients.join("\n")} onChange={(e) => change((d) => (d.weeklyDigest.recipients = split((e.target as HTMLTextAreaElement).value)))} />
            </label>
            {editable && (
              <button type="button" class="button subtle" onClick={sendDigest}>
                Send the digest now
              </button>
            )}
          </section>
          <section class="card">
            <h2>Webhooks</h2>
            {settings.webhooks.length === 0 && <p class="muted">No webhooks.</p>}
            {settings.webhooks.map((webhook, index) => (
              <fieldset class="webhook">
                <legend>{webhook.id || `Webhook ${index + 1}`}</legend>
                <label class="field narrow">
                  <span>Id</span>
                  <input value={webhook.id} required onInput={(e) => change((d) => (d.webhooks[index].id = (e.target as HTMLInputElement).value))} />
                </label>
                <label class="field">
                  <span>URL</span>
                  <input type="url" required value={webhook.url} onInput={(e) => change((d) => (d.webhooks[index].url = (e.target as HTMLInputElement).value))} />
                </label>
                <label class="field">
                  <span>Secret {webhook.hasSecret ? "(stored; leave empty to keep)" : "(16 characters or more)"}</span>
                  <input type="password" autocomplete="new-password" value={webhook.secret ?? ""} onInput={(e) => change((d) => (d.webhooks[index].secret = (e.target as HTMLInputElement).value))} />
                </label>
                <label class="inline">
                  <input type="checkbox" checked={webhook.isEnabled} onChange={(e) => change((d) => (d.webhooks[index].isEnabled = (e.target as HTMLInputElement).checked))} /> Enabled
                </label>
                {["riskyUser", "riskDetection"].map((type) => (
                  <label class="inline">
                    <input
                      type="checkbox"
                      checked={webhook.eventTypes.includes(type)}
                      onChange={(e) =>
                        change((d) => {
                          const on = (e.target as HTMLInputElement).checked;
                          d.webhooks[index].eventTypes = ["riskyUser", "riskDetection"].filter((t) => (t === type ? on : d.webhooks[index].eventTypes.includes(t)));
                        })
                      }
                    />{" "}
                    {type === "riskyUser" ? "Risky user changes" : "Risk detections"}
                  </label>
                ))}
                <label class="field narrow">
                  <span>Minimum risk level</span>
                  <select value={webhook.minimumRiskLevel} onChange={(e) => change((d) => (d.webhooks[index].minimumRiskLevel = (e.target as HTMLSelectElement).value))}>
                    <option value="low">Low</option>
                    <option value="medium">Medium</option>
                    <option value="high">High</option>
                  </select>
                </label>
                <button type="button" class="link-button danger" onClick={() => change((d) => d.webhooks.splice(index, 1))}>
                  Remove
                </button>
              </fieldset>
            ))}
            {editable && (
              <button
                type="button"
                class="button subtle"
                onClick={() => change((d) => d.webhooks.push({ id: "", url: "https://", isEnabled: true, eventTypes: ["riskyUser", "riskDetection"], minimumRiskLevel: "low" }))}
              >
                Add webhook
              </button>
            )}
          </section>
          {editable && (
            <button type="submit" class="button">
              Save
            </button>
          )}
        </fieldset>
        <Notice message={message} />
      </form>
    </section>
  );
}
