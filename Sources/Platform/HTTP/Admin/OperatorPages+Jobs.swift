import Foundation

/// The jobs list and one job's page.
extension OperatorPages {
    static func jobs(_ jobs: [JobRecord], filter: JobFilter, limit: Int) -> Markup {
        let states: [Markup] = ([""] + JobState.allCases.map(\.rawValue)).map { state in
            "<option value=\"\(state)\"\(filter.state?.rawValue == state ? Markup(" selected") : "")>\(state.isEmpty ? "any" : state)</option>"
        }
        func field(_ name: String, _ label: String, _ value: String?) -> Markup {
            "<label>\(label)<input name=\"\(name)\" value=\"\(value ?? "")\" size=\"12\"></label>"
        }
        let filters: Markup = """
            \(field("lane", "lane", filter.lane))\(field("kind", "kind", filter.kind))\
            \(field("code", "error code", filter.errorCode))\(field("content_key", "content key", filter.contentKey))
            """
        let rows: [Markup] = jobs.map { job in
            """
            <tr data-job="\(job.id)"><td><a href="/admin/jobs/\(job.id)">\(job.id)</a></td><td class="state-\(job.state.rawValue)">\(job.state.rawValue)</td>\
            <td>\(job.lane)</td><td>\(job.kind)</td><td>\(job.attempts)/\(job.maxAttempts)</td>\
            <td class="hide-narrow">\(job.errors.last?.code ?? "")</td><td>\(actions(job))</td></tr>
            """
        }
        var bulk: Markup = ""
        if filter.state == .dead {
            bulk = """
                <form data-api="/admin/api/dead-jobs/retry" data-confirm="Retry every dead job matching these filters?">\
                <input type="hidden" name="lane" value="\(filter.lane ?? "")"><input type="hidden" name="kind" value="\(filter.kind ?? "")">\
                <input type="hidden" name="code" value="\(filter.errorCode ?? "")">\
                <input type="hidden" name="content_key" value="\(filter.contentKey ?? "")">\
                <button type="submit" id="bulk-retry">Retry all matching dead jobs</button></form>
                """
        }
        return """
            <h1>Jobs</h1>
            <section><form class="filters" method="get" action="/admin/jobs"><label>state<select name="state">\(states)</select></label>\
            \(filters)<button type="submit">Filter</button></form></section>
            <section>\(bulk)<div class="scroll"><table id="jobs"><thead><tr><th>job</th><th>state</th><th>lane</th><th>kind</th>\
            <th>attempts</th><th class="hide-narrow">last error</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>\
            <p class="muted">Newest \(limit) at most\(jobs.count == limit ? Markup(" · <a href=\"?\(nextPage(filter, before: jobs.last?.id ?? 0))\">older</a>") : "").</p></section>
            """
    }

    private static func nextPage(_ filter: JobFilter, before: Int64) -> String {
        var items = ["before=\(before)"]
        for (name, value) in [
            ("state", filter.state?.rawValue), ("lane", filter.lane), ("kind", filter.kind), ("code", filter.errorCode),
            ("content_key", filter.contentKey),
        ] {
            if let value { items.append("\(name)=\(query(value))") }
        }
        return items.joined(separator: "&")
    }

    /// Retry and cancel buttons for the states they apply to.
    static func actions(_ job: JobRecord) -> Markup {
        var buttons: Markup = ""
        if [.dead, .cancelled, .available].contains(job.state), !job.archived {
            buttons = """
                <form class="inline" data-api="/admin/api/jobs/\(job.id)/retry" data-confirm="Run job \(job.id) again now?">\
                <button type="submit" class="retry">Retry</button></form>
                """
        }
        if [.available, .running].contains(job.state), !job.archived {
            buttons = """
                \(buttons)<form class="inline" data-api="/admin/api/jobs/\(job.id)/cancel" data-confirm="Cancel job \(job.id)?">\
                <button type="submit" class="danger cancel">Cancel</button></form>
                """
        }
        return buttons
    }

    static func job(_ job: JobRecord) -> Markup {
        let errors: [Markup] = job.errors.map { error in
            "<tr><td>\(error.attempt)</td><td>\(OperatorLayout.time(error.at))</td><td>\(error.code)</td><td>\(error.message)</td></tr>"
        }
        let progress = job.progress.map { "\(Int(($0 * 100).rounded()))% \(job.stage ?? "")" } ?? "-"
        let facts: [(String, String)] = [
            ("state", job.state.rawValue + (job.cancelRequested && !job.state.isFinal ? " (cancel requested)" : "")
                + (job.archived ? " (archived)" : "")),
            ("kind", job.kind), ("lane", "\(job.lane), priority \(job.priority)"), ("attempts", "\(job.attempts) of \(job.maxAttempts)"),
            ("progress", progress), ("run at", OperatorLayout.time(job.runAt)), ("created", OperatorLayout.time(job.createdAt)),
            ("started", OperatorLayout.time(job.startedAt)), ("finished", OperatorLayout.time(job.finishedAt)),
            ("lease", job.leaseOwner.map { "\($0) until \(OperatorLayout.time(job.leaseExpiresAt))" } ?? "-"),
            ("idempotency key", job.idempotencyKey ?? "-"),
        ]
        let media = Self.mediaID(payload: job.payload).map { Markup(" · <a href=\"/admin/media/\($0)\">media \($0)</a>") } ?? ""
        return """
            <h1>Job \(job.id)\(media)</h1>
            <section><div class="scroll"><table id="job"><tbody>\(facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" as Markup })</tbody></table></div>\
            <p>\(actions(job))</p></section>
            <section><h2>Error history</h2><div class="scroll"><table id="errors"><thead><tr><th>attempt</th><th>at</th><th>code</th>\
            <th>message</th></tr></thead><tbody>\(errors)</tbody></table></div></section>
            <section><h2>Payload</h2><pre class="mono">\(job.payload)</pre></section>
            """
    }

    /// The media a media job's payload names, if it is one.
    static func mediaID(payload: String) -> Int64? {
        (try? PostgresJSON(text: payload).decode(MediaJobPayload.self))?.mediaID
    }
}
