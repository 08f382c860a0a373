import Foundation

/// The overview and failures pages as HTML (the data comes from `OperatorConsole`).
enum OperatorPages {
    static func overview(_ overview: OperatorOverview, running: [JobRecord]) -> Markup {
        let lanes: [Markup] = overview.lanes.map { lane in
            """
            <tr><td>\(lane.lane)</td><td>\(lane.available)</td><td>\(lane.running)</td>\
            <td>\(OperatorLayout.age(lane.oldestAvailableSeconds))</td><td class="ok">\(lane.succeeded)</td>\
            <td class="\(lane.dead > 0 ? "bad" : "")">\(lane.dead)</td><td class="hide-narrow">\(lane.cancelled)</td></tr>
            """
        }
        let workers: [Markup] = overview.workers.map { worker in
            """
            <tr><td class="mono">\(worker.owner)</td><td>\(worker.lanes.joined(separator: ", "))</td><td>\(worker.running)</td>\
            <td>\(OperatorLayout.time(worker.lastHeartbeat))</td><td class="hide-narrow">\(worker.detail ?? "")</td></tr>
            """
        }
        let database = overview.database
        let store = overview.store
        let dbState: Markup =
            database.reachable
            ? "<span class=\"\(database.upToDate ? "ok" : "bad")\">\(database.upToDate ? "up, migrated" : "up, migrations pending")</span>"
            : "<span class=\"bad\">unreachable</span>"
        return """
            <h1>Overview <small class="muted">updated <span id="updated">\(OperatorLayout.time(overview.generatedAt))</span></small></h1>
            <section><h2>Queue by lane</h2><div class="scroll"><table id="lanes"><thead><tr><th>lane</th><th>available</th>\
            <th>running</th><th>oldest due</th><th>succeeded 1 h</th><th>dead 1 h</th><th class="hide-narrow">cancelled 1 h</th>\
            </tr></thead><tbody>\(lanes)</tbody></table></div></section>
            <section><h2>Jobs per minute, last hour <small class="ok">succeeded</small> <small class="bad">dead</small></h2>
            <img id="chart" class="chart" src="/admin/chart.svg" alt="jobs per minute over the last hour" width="600" height="140"></section>
            <section><h2>Running jobs</h2><div class="scroll"><table id="running"><thead><tr><th>job</th><th>kind</th><th>lane</th>\
            <th>progress</th></tr></thead><tbody>\(running.map(runningRow))</tbody></table></div></section>
            <section><h2>Workers online</h2><p class="muted">Daemons running queue workers, seen in the last minute, with their lanes and threads.</p>\
            <div class="scroll"><table id="workers"><thead><tr><th>owner</th><th>lanes</th><th>running</th><th>last heartbeat</th><th class="hide-narrow">worker processes</th></tr>\
            </thead><tbody>\(workers)</tbody></table></div></section>
            <section><h2>Health</h2><div class="scroll"><table><tbody>
            <tr><th>PostgreSQL</th><td id="db-health">\(dbState) \(database.serverVersion ?? "") · \
            \(database.latencyMilliseconds.map { String(format: "%.1f ms", $0) } ?? "-") · \(OperatorLayout.bytes(database.sizeBytes)) · \
            \(database.connections.map(String.init) ?? "-") connections</td></tr>
            <tr><th>Store</th><td id="store-health"><span class="\(store.writable ? "ok" : "bad")">\(store.writable ? "writable" : "not writable")</span> · \
            \(OperatorLayout.bytes(store.freeBytes)) free of \(OperatorLayout.bytes(store.totalBytes)) · <span class="mono">\(store.root)</span></td></tr>
            </tbody></table></div></section>
            """
    }

    private static func runningRow(_ job: JobRecord) -> Markup {
        let progress = job.progress.map { "\(Int(($0 * 100).rounded()))% \(job.stage ?? "")" } ?? "-"
        return "<tr><td><a href=\"/admin/jobs/\(job.id)\">\(job.id)</a></td><td>\(job.kind)</td><td>\(job.lane)</td><td>\(progress)</td></tr>"
    }

    static func failures(_ failures: OperatorFailures, quarantines: [JobQuarantine]) -> Markup {
        let codes: [Markup] = failures.codes.map { failure in
            let jobs = "/admin/jobs?state=dead&code=\(Self.query(failure.code))"
            return """
                <tr><td><a href="\(jobs)">\(failure.code)</a></td><td>\(failure.jobs)</td><td>\(failure.inputs)</td>\
                <td><a href="/admin/jobs/\(failure.newestJobID)">\(failure.newestJobID)</a></td>\
                <td class="hide-narrow">\(OperatorLayout.time(failure.lastAt))</td></tr>
                """
        }
        let held: [Markup] = quarantines.map { entry in
            """
            <tr><td class="mono"><a href="/admin/jobs?content_key=\(Self.query(entry.contentKey))">\(entry.contentKey)</a></td>\
            <td>\(entry.kills)</td><td><a href="/admin/jobs/\(entry.lastJobID)">\(entry.lastJobID)</a> \(entry.lastKind) (\(entry.lastError))</td>\
            <td>\(entry.deadJobs)</td><td><form class="inline" data-api="/admin/api/quarantine/\(Self.path(entry.contentKey))/lift" \
            data-confirm="Accept jobs for this input again?"><button type="submit" class="lift">Lift</button></form></td></tr>
            """
        }
        let windows: [Markup] = [(3600, "1 hour"), (86_400, "1 day"), (604_800, "7 days")].map { seconds, label in
            seconds == failures.windowSeconds ? "<strong>\(label)</strong>" : "<a href=\"/admin/failures?window=\(seconds)\">\(label)</a>"
        }
        return """
            <h1>Failures</h1>
            <section><h2>Dead jobs by error code</h2><p>Window: \(windows.map { Markup(trusted: $0.text + " ") })</p>\
            <div class="scroll"><table id="codes"><thead><tr><th>code</th><th>jobs</th><th>inputs</th><th>newest</th>\
            <th class="hide-narrow">last</th></tr></thead><tbody>\(codes)</tbody></table></div>\
            <p><a href="/admin/media?status=failed">Media that failed</a> · <a href="/admin/jobs?state=dead">all dead jobs</a></p></section>
            <section><h2>Quarantined inputs</h2><div class="scroll"><table id="quarantine"><thead><tr><th>input</th><th>kills</th>\
            <th>last job</th><th>dead jobs</th><th></th></tr></thead><tbody>\(held)</tbody></table></div>\
            \(quarantines.isEmpty ? Markup("<p class=\"muted\">No input is quarantined.</p>") : Markup(""))</section>
            """
    }

    /// `text` as a query value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// `text` as one path segment.
    static func path(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
