/// The page's stylesheet, script and icon: served by the daemon itself (`/admin/assets/…`), so
/// the page works offline and its Content-Security-Policy can allow only its own origin.
enum OperatorAssets {
    static let css = """
        :root { --fg: #1d232a; --muted: #5b6670; --line: #d8dee4; --bg: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --accent: #0969da; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
        header strong { margin-right: auto; }
        header a { color: var(--accent); text-decoration: none; }
        main { padding: 1rem; max-width: 1100px; margin: 0 auto; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem; margin-bottom: 1rem; }
        h1 { font-size: 1.3rem; margin: 0 0 .8rem; } h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
        th { color: var(--muted); font-weight: 600; font-size: .85rem; }
        .ok { color: var(--ok); } .bad { color: var(--bad); } .muted { color: var(--muted); }
        .mono { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; }
        form.inline { display: inline; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
        label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
        input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
        button { cursor: pointer; color: #fff; background: var(--accent); border-color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        #status { min-height: 1.2rem; color: var(--bad); }
        .chart { width: 100%; height: auto; max-height: 180px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .8rem; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: .4rem; background: #fff; text-align: center; }
        .card img, .side img { width: 150px; height: 150px; object-fit: contain; background: var(--bg); }
        .side { display: flex; flex-wrap: wrap; gap: 1rem; }
        .side figure { margin: 0; }
        video { max-width: 100%; background: #000; }
        pre { white-space: pre-wrap; word-break: break-all; background: var(--bg); padding: .5rem; max-height: 24rem; overflow: auto; font-size: .8rem; }
        .login { max-width: 22rem; margin: 3rem auto; }
        .login form { display: flex; flex-direction: column; gap: .6rem; }
        td button { white-space: nowrap; overflow-wrap: normal; }
        td img.thumb { display: block; width: 150px; height: 150px; object-fit: contain; background: var(--bg); }
        @media (max-width: 600px) { main { padding: .5rem; } th, td { padding: .25rem .3rem; font-size: .85rem; } .hide-narrow { display: none; } td img.thumb { width: 64px; height: 64px; } }
        """

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M3 12V4l5 5 5-5v8" stroke="#fff" stroke-width="2" fill="none"/></svg>
        """

    /// Actions: a `form[data-api]` posts to its URL (its fields as the query) after a
    /// confirmation, with the CSRF token of the page's `<meta name="csrf-token">`, then reloads.
    /// Live: on the overview (`body[data-live]`) the tables and the chart refresh every 5 s.
    static let script = """
        'use strict';
        const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
        const status = (text) => { const el = document.getElementById('status'); if (el) el.textContent = text; };
        document.addEventListener('submit', async (event) => {
          const form = event.target;
          if (!form.dataset.api) return;
          event.preventDefault();
          if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
          const query = new URLSearchParams();
          for (const [name, value] of new FormData(form)) if (value !== '') query.append(name, value);
          const url = form.dataset.api + (query.toString() ? '?' + query : '');
          const response = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, credentials: 'same-origin' });
          if (!response.ok) {
            const body = await response.json().catch(() => ({}));
            status((body.error && body.error.message) || ('failed: ' + response.status));
            return;
          }
          if (form.dataset.then) window.location.assign(form.dataset.then); else window.location.reload();
        });
        const cell = (row, text, className) => { const td = row.insertCell(); td.textContent = text; if (className) td.className = className; };
        const age = (seconds) => seconds == null ? '-' : seconds < 90 ? Math.round(seconds) + ' s' : Math.round(seconds / 60) + ' min';
        async function refresh() {
          const overview = await fetch('/admin/api/overview', { credentials: 'same-origin' });
          if (overview.ok) {
            const data = await overview.json();
            const lanes = document.querySelector('#lanes tbody');
            lanes.replaceChildren();
            for (const lane of data.lanes) {
              const row = lanes.insertRow();
              cell(row, lane.lane); cell(row, lane.available); cell(row, lane.running);
              cell(row, age(lane.oldest_available_seconds)); cell(row, lane.succeeded, 'ok'); cell(row, lane.dead, lane.dead ? 'bad' : '');
              cell(row, lane.cancelled, 'hide-narrow');
            }
            const workers = document.querySelector('#workers tbody');
            workers.replaceChildren();
            for (const worker of data.workers) {
              const row = workers.insertRow();
              cell(row, worker.owner, 'mono'); cell(row, worker.lanes.join(', ')); cell(row, worker.running);
              cell(row, worker.last_heartbeat ? new Date(worker.last_heartbeat).toLocaleTimeString() : '-');
              cell(row, worker.detail || '', 'hide-narrow');
            }
            document.getElementById('updated').textContent = new Date(data.generated_at).toLocaleTimeString();
          }
          const chart = document.getElementById('chart');
          if (chart) chart.src = '/admin/chart.svg?at=' + Date.now();
          const running = await fetch('/admin/api/jobs?state=running&limit=20', { credentials: 'same-origin' });
          if (running.ok) {
            const body = document.querySelector('#running tbody');
            body.replaceChildren();
            for (const job of await running.json()) {
              const row = body.insertRow();
              const link = document.createElement('a'); link.href = '/admin/jobs/' + job.id; link.textContent = job.id;
              row.insertCell().append(link); cell(row, job.kind); cell(row, job.lane);
              cell(row, job.progress == null ? '-' : Math.round(job.progress * 100) + '% ' + (job.stage || ''));
            }
          }
        }
        if (document.body.dataset.live) setInterval(() => refresh().catch((error) => status(String(error))), 5000);
        """
}
