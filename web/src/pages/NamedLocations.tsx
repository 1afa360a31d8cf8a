import { useState } from "preact/hooks";
import { get, request, type Page } from "../api";
import { Empty, ErrorState, Loading, Notice, type Message } from "../components/States";
import { useAsync } from "../components/useAsync";
import { formatDateTime } from "../format";
import { useCan } from "../session";

const base = "/v1.0/identity/conditionalAccess/namedLocations";

interface NamedLocation {
  "@odata.type": string;
  id: string;
  displayName: string;
  modifiedDateTime?: string;
  isTrusted?: boolean;
  ipRanges?: { cidrAddress: string }[];
  countriesAndRegions?: string[];
  includeUnknownCountriesAndRegions?: boolean;
}

const isIp = (location: NamedLocation) => location["@odata.type"] === "#microsoft.graph.ipNamedLocation";
const split = (text: string) => text.split(/[\s,]+/).map((part) => part.trim()).filter(Boolean);

export function NamedLocations() {
  const can = useCan();
  const list = useAsync(() => get<Page<NamedLocation>>(base), "namedLocations");
  const [message, setMessage] = useState<Message | null>(null);
  const act = async (work: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await work();
      setMessage({ text: done });
      list.reload();
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  return (
    <section aria-labelledby="locations-title">
      <header class="page-header">
        <h1 id="locations-title">Named locations</h1>
        <p class="intro">Trusted IP ranges lower the risk of sign-ins from them; countries and ranges can be named in policies.</p>
      </header>
      <Notice message={message} />
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.value.length === 0 ? (
        <Empty>No named locations yet.</Empty>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Ranges or countries</th>
              <th scope="col">Trusted</th>
              <th scope="col">Modified</th>
              {can("managePolicies") && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.data.value.map((location) => (
              <tr>
                <td>{location.displayName}</td>
                <td>{isIp(location) ? "IP ranges" : "Countries"}</td>
                <td>{isIp(location) ? (location.ipRanges ?? []).map((range) => range.cidrAddress).join(", ") : (location.countriesAndRegions ?? []).join(", ")}</td>
                <td>{isIp(location) ? (location.isTrusted ? "Yes" : "No") : "—"}</td>
                <td>{formatDateTime(location.modifiedDateTime)}</td>
                {can("managePolicies") && (
                  <td class="actions">
                    {isIp(location) && (
                      <button
                        type="button"
                        class="link-button"
                        onClick={() =>
                          act(
                            () => request("PATCH", `${base}/${encodeURIComponent(location.id)}`, { "@odata.type": location["@odata.type"], isTrusted: !location.isTrusted }),
                            `${location.displayName} is ${location.isTrusted ? "no longer" : "now"} trusted.`,
                          )
                        }
                      >
                        {location.isTrusted ? "Mark untrusted" : "Mark trusted"}
                      </button>
                    )}
                    <button
                      type="button"
                      class="link-button danger"
                      onClick={() =>
                        window.confirm(`Delete ${location.displayName}?`) &&
                        act(() => request("DELETE", `${base}/${encodeURIComponent(location.id)}`), `${location.displayName} deleted.`)
                      }
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can("managePolicies") && <NewLocation onCreate={(body, name) => act(() => request("POST", base, body), `${name} created.`)} />}
    </section>
  );
}

function NewLocation({ onCreate }: { onCreate: (body: unknown, name: string) => void }) {
  const [kind, setKind] = useState<"ip" | "country">("ip");
  const [name, setName] = useState("");
  const [entries, setEntries] = useState("");
  const [trusted, setTrusted] = useState(true);
  const submit = (event: Event) => {
    event.preventDefault();
    const body =
      kind === "ip"
        ? { "@odata.type": "#microsoft.graph.ipNamedLocation", displayName: name, isTrusted: trusted, ipRanges: split(entries).map((cidrAddress) => ({ cidrAddress })) }
        : {
            "@odata.type": "#microsoft.graph.countryNamedLocation",
            displayName: name,
            countriesAndRegions: split(entries).map((code) => code.toUpperCase()),
            includeUnknownCountriesAndRegions: false,
            countryLookupMethod: "clientIpAddress",
          };
    onCreate(body, name);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-location-title">
      <h2 id="new-location-title">New named location</h2>
      <fieldset class="field">
        <legend>Type</legend>
        <label class="inline">
          <input type="radio" name="kind" checked={kind === "ip"} onChange={() => setKind("ip")} /> IP ranges
        </label>
        <label class="inline">
          <input type="radio" name="kind" checked={kind === "country"} onChange={() => setKind("country")} /> Countries
        </label>
      </fieldset>
      <label class="field">
        <span>Name</span>
        <input name="locationName" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span>{kind === "ip" ? "CIDR ranges, one per line (e.g. 81.2.69.0/24)" : "Two-letter country codes (e.g. KP, IR)"}</span>
        <textarea name="entries" required value={entries} onInput={(e) => setEntries((e.target as HTMLTextAreaElement).value)} />
      </label>
      {kind === "ip" && (
        <label class="inline">
          <input type="checkbox" checked={trusted} onChange={(e) => setTrusted((e.target as HTMLInputElement).checked)} /> Mark as trusted location
        </label>
      )}
      <button type="submit" class="button">
        Create
      </button>
    </form>
  );
}
