import Foundation

/// The media grid and one media's page.
extension OperatorPages {
    static func mediaList(_ media: [OperatorMedia]) -> Markup {
        let cards: [Markup] = media.map { item in
            """
            <a class="card" href="/admin/media/\(item.id)">\(thumbnail(item))<div>#\(item.id) \(item.kind)</div>\
            <div class="\(item.status == "failed" ? "bad" : "muted")">\(item.status)\
            \(item.duplicateOf.map { Markup(" · dup of #\($0)") } ?? "")</div></a>
            """
        }
        return """
            <h1>Media</h1><p><a href="/admin/media">all</a> · <a href="/admin/media?status=ready">ready</a> · \
            <a href="/admin/media?status=processing">processing</a> · <a href="/admin/media?status=failed">failed</a></p>
            <section class="grid" id="media">\(cards)</section>
            """
    }

    static func thumbnail(_ item: OperatorMedia) -> Markup {
        guard let url = item.thumbnailURL else { return "<img src=\"/admin/assets/icon.svg\" alt=\"no rendition yet\">" }
        return "<img class=\"thumb\" src=\"\(url)\" alt=\"media \(item.id)\" width=\"150\" height=\"150\">"
    }

    static func media(_ detail: OperatorMediaDetail) -> Markup {
        let item = detail.media
        var player: Markup = ""
        if item.kind == "video", let video = item.videoURL {
            let poster: Markup = item.posterURL.map { " poster=\"\($0)\"" } ?? ""
            player = """
                <section><h2>360p</h2><video id="player" controls preload="metadata" playsinline\(poster) src="\(video)"></video></section>
                """
        }
        var side: Markup = "<figure>\(thumbnail(item))<figcaption>#\(item.id) (this)</figcaption></figure>"
        if let original = detail.duplicateOfMedia {
            side = """
                \(side)<figure>\(thumbnail(original))<figcaption><a href="/admin/media/\(original.id)">#\(original.id)</a>, \
                the original (distance \(item.duplicateDistance ?? 0))</figcaption></figure>
                """
        }
        let facts: [(String, String)] = [
            ("kind", item.kind), ("status", item.status), ("name", item.originalName ?? "-"), ("bytes", String(item.bytes)),
            ("sha256", item.sha256), ("preset", item.presetName.map { "\($0) v\(item.presetVersion ?? 0)" } ?? "-"),
            ("created", OperatorLayout.time(item.createdAt)), ("processed", OperatorLayout.time(item.processedAt)),
            ("error", item.errorCode.map { "\($0): \(item.errorMessage ?? "")" } ?? "-"),
        ]
        let jobs = "/admin/jobs?content_key=\(query(item.sha256))"
        return """
            <h1>Media \(item.id)</h1>
            <section><div class="side">\(side)</div></section>\(player)
            <section><div class="scroll"><table id="facts"><tbody>\(facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" as Markup })\
            </tbody></table></div><p><a href="\(jobs)">its jobs</a></p>\
            <form data-api="/admin/api/media/\(item.id)/reprocess" data-confirm="Process media \(item.id) again?">\
            <button type="submit" id="reprocess">Reprocess</button></form></section>
            <section><h2>Manifest</h2><pre class="mono">\(prettyJSON(item.manifest) ?? "none yet")</pre></section>
            """
    }

    private static func prettyJSON(_ text: String?) -> String? {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}
