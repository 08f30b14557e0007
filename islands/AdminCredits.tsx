import { useState } from "preact/hooks";
import { adminApi, useLive } from "../components/admin/api.ts";
import { ago } from "../components/time.ts";
import { Notice, type NoticeState } from "../components/admin/Notice.tsx";
import type { BalanceView, HoldView, LedgerEntry } from "../lib/engine/client.ts";

type Balance = BalanceView;
type Hold = HoldView;
type Entry = LedgerEntry;
interface Detail {
  balance: Balance;
  holds: Hold[];
  transactions: { items: Entry[]; nextCursor: string | null };
}
interface Minted {
  userId: string;
  token: string;
  expiresAt: string;
}

const signed = (entry: Entry) =>
  ["grant", "refund", "release"].includes(entry.type) ? `+${entry.amount}` : `−${entry.amount}`;

/** The user both forms act on (an account chosen in the list fills it in). */
function UserIdInput({ id, value, onInput }: { id: string; value: string; onInput(value: string): void }) {
  return (
    <input
      id={id}
      class="input"
      name="userId"
      required
      pattern="[\w.@:\-]+"
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}

/** A new Idempotency-Key for the next grant; kept until it succeeds, so a retry cannot grant twice. */
const newKey = () => `console-${crypto.randomUUID()}`;

/** The credit ledger: accounts, one user's holds and entries, granting credits, minting a user token. */
export default function AdminCredits({ csrf }: { csrf: string }) {
  const api = adminApi(csrf);
  const [selected, setSelected] = useState<string | null>(null);
  /** The user both forms act on; choosing an account fills it in. */
  const [target, setTarget] = useState("");
  const [notice, setNotice] = useState<NoticeState>(null);
  const [grantKey, setGrantKey] = useState(newKey);
  const [minted, setMinted] = useState<Minted | null>(null);
  const accounts = useLive(() => api<{ items: Balance[] }>("/v1/admin/users?limit=200"), 5_000);
  const holds = useLive(() => api<{ items: Hold[] }>("/v1/admin/holds"), 5_000);
  const detail = useLive(
    () =>
      selected
        ? api<Detail>(`/v1/admin/users/${encodeURIComponent(selected)}?limit=50`)
        : Promise.resolve(null),
    5_000,
    [selected],
  );

  async function grant(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const userId = target.trim();
    try {
      const granted = await api<{ added: number; replayed: boolean; balance: Balance }>("/v1/credits/add", {
        method: "POST",
        headers: { "idempotency-key": grantKey },
        json: {
          userId,
          amount: Number(form.get("amount")),
          reason: String(form.get("reason") || "admin_grant"),
        },
      });
      setNotice({
        tone: "ok",
        text: `${granted.replayed ? "Already granted" : "Granted"} ${granted.added} credits to ${userId}; ` +
          `balance ${granted.balance.balance}.`,
      });
      setGrantKey(newKey());
      setSelected(userId);
      accounts.refresh();
      detail.refresh();
    } catch (error) {
      setNotice({ tone: "error", text: error instanceof Error ? error.message : String(error) });
    }
  }

  async function mint(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const userId = target.trim();
    try {
      setMinted(
        await api<Minted>(`/v1/admin/users/${encodeURIComponent(userId)}/token`, {
          method: "POST",
          json: { ttlSeconds: Number(form.get("ttlSeconds")) },
        }),
      );
    } catch (error) {
      setNotice({ tone: "error", text: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div class="stack" data-testid="admin-credits">
      <Notice state={notice} />
      <div class="admin-columns">
        <form class="card stack" onSubmit={grant} data-testid="grant-form">
          <h2>Grant credits</h2>
          <label for="grant-user">User id</label>
          <UserIdInput id="grant-user" value={target} onInput={setTarget} />
          <label for="grant-amount">Credits</label>
          <input id="grant-amount" class="input" name="amount" type="number" min="1" max="1000000" required />
          <label for="grant-reason">Reason</label>
          <input id="grant-reason" class="input" name="reason" placeholder="admin_grant" maxLength={200} />
          <p class="muted small">
            Idempotency key <code>{grantKey}</code> — sending twice grants once.
          </p>
          <button class="button" type="submit">Grant</button>
        </form>
        <form class="card stack" onSubmit={mint} data-testid="mint-form">
          <h2>Mint a user token</h2>
          <label for="mint-user">User id</label>
          <UserIdInput id="mint-user" value={target} onInput={setTarget} />
          <label for="mint-ttl">Valid for</label>
          <select id="mint-ttl" class="input" name="ttlSeconds">
            <option value="3600">1 hour</option>
            <option value="86400">1 day</option>
            <option value="604800">7 days</option>
          </select>
          <button class="button" type="submit">Mint</button>
          {minted && (
            <div class="stack" data-testid="minted">
              <label for="minted-token">
                Token for {minted.userId}, expires {minted.expiresAt.replace("T", " ").slice(0, 16)} UTC
              </label>
              <textarea id="minted-token" class="input token" readOnly rows={4} value={minted.token} />
              <button
                class="button secondary small"
                type="button"
                onClick={() => navigator.clipboard?.writeText(minted.token)}
              >
                Copy
              </button>
            </div>
          )}
        </form>
      </div>

      <h2>Accounts</h2>
      {accounts.error && <p class="banner error" role="alert">{accounts.error}</p>}
      {accounts.data?.items.length === 0 && (
        <p class="muted">
          No accounts yet: grant credits to create one.
        </p>
      )}
      <table class="stacked-table" data-testid="accounts">
        <thead>
          <tr>
            <th>User</th>
            <th class="num">Balance</th>
            <th class="num">Held</th>
            <th class="num">Available</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {accounts.data?.items.map((account) => (
            <tr key={account.userId} class={selected === account.userId ? "selected" : ""}>
              <td data-label="User">
                <button
                  class="link"
                  type="button"
                  onClick={() => {
                    setSelected(account.userId);
                    setTarget(account.userId);
                  }}
                >
                  {account.userId}
                </button>
              </td>
              <td data-label="Balance" class="num">{account.balance}</td>
              <td data-label="Held" class="num">{account.heldCredits}</td>
              <td data-label="Available" class="num">{account.availableCredits}</td>
              <td data-label="Updated">{ago(account.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {selected && detail.data && (
        <section class="card stack" data-testid="user-detail">
          <h2>{selected}</h2>
          <p>
            <strong>{detail.data.balance.availableCredits}</strong> available ·{" "}
            {detail.data.balance.heldCredits} held · {detail.data.balance.balance} balance
          </p>
          <h3>Ledger</h3>
          {detail.data.transactions.items.length === 0 && <p class="muted">No entries.</p>}
          <table class="stacked-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Type</th>
                <th class="num">Credits</th>
                <th>Reason</th>
                <th class="num">Balance after</th>
              </tr>
            </thead>
            <tbody>
              {detail.data.transactions.items.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">{ago(entry.createdAt)}</td>
                  <td data-label="Type">{entry.type}</td>
                  <td data-label="Credits" class="num">{signed(entry)}</td>
                  <td data-label="Reason">{entry.reason}</td>
                  <td data-label="Balance after" class="num">{entry.balanceAfter}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <h2>Active holds</h2>
      {holds.data?.items.length === 0 && <p class="muted">No credits are held right now.</p>}
      <table class="stacked-table">
        <thead>
          <tr>
            <th>User</th>
            <th class="num">Credits</th>
            <th>Request</th>
            <th>Status</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {holds.data?.items.map((hold) => (
            <tr key={hold.requestId}>
              <td data-label="User">{hold.userId}</td>
              <td data-label="Credits" class="num">{hold.credits}</td>
              <td data-label="Request">
                <code>{hold.requestId}</code>
              </td>
              <td data-label="Status">{hold.status}</td>
              <td data-label="Since">{ago(hold.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
