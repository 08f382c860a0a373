import Foundation
import NIOHTTP1

extension S3Store {
    /// Keys of every object whose key starts with `prefix`, sorted; ListObjectsV2 pages of
    /// 1,000 followed through their continuation tokens. Keys that are not valid `ObjectKey`s
    /// (written by something else) are skipped.
    public func list(prefix: String = "") throws -> [ObjectKey] {
        try ObjectKey.validate(prefix, allowingPartialPrefix: true)
        var keys: [ObjectKey] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", configuration.prefix + prefix), ("max-keys", String(configuration.pageSize))]
            if let token { query.append(("continuation-token", token)) }
            let response = try client.send(.GET, key: nil, query: query)
            guard response.status == 200 else { throw client.error(response, "list", key: prefix) }
            let text = String(decoding: response.body, as: UTF8.self)
            for contents in S3XML.blocks(of: "Contents", in: text) {
                guard let name = S3XML.values(of: "Key", in: contents).first, name.hasPrefix(configuration.prefix),
                    let key = try? ObjectKey(String(name.dropFirst(configuration.prefix.count)))
                else { continue }
                keys.append(key)
            }
            token = S3XML.values(of: "IsTruncated", in: text).first == "true"
                ? S3XML.values(of: "NextContinuationToken", in: text).first : nil
        } while token != nil
        return keys.sorted()
    }

    /// Deletes every object under `prefix` with DeleteObjects batches of `pageSize` keys;
    /// returns how many were deleted. An empty prefix is refused.
    @discardableResult
    public func delete(prefix: String) throws -> Int {
        guard !prefix.isEmpty else {
            throw StoreError(.invalidKey, "refusing to delete with an empty prefix", path: prefix)
        }
        let keys = try list(prefix: prefix)
        var removed = 0
        let batch = min(max(configuration.pageSize, 1), 1000)
        for start in stride(from: 0, to: keys.count, by: batch) {
            removed += try deleteBatch(Array(keys[start..<min(start + batch, keys.count)]))
        }
        return removed
    }

    /// One DeleteObjects request; a key S3 reports an error for fails the call.
    func deleteBatch(_ keys: [ObjectKey]) throws -> Int {
        let objects = keys.map { "<Object><Key>\(S3XML.escape(name($0)))</Key></Object>" }.joined()
        let body = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>\(objects)</Delete>".utf8)
        let md5 = body.withUnsafeBytes { S3Digest.md5Base64($0) }
        let response = try client.send(
            .POST, key: nil, query: [("delete", "")], headers: [("Content-MD5", md5), ("Content-Type", "application/xml")],
            body: body)
        guard response.status == 200 else { throw client.error(response, "delete objects", key: keys.first?.rawValue) }
        let errors = S3XML.blocks(of: "Error", in: String(decoding: response.body, as: UTF8.self))
        if let first = errors.first {
            throw StoreError(
                .unavailable, "\(errors.count) of \(keys.count) deletions failed: \(S3XML.values(of: "Code", in: first).first ?? "")",
                path: S3XML.values(of: "Key", in: first).first ?? "")
        }
        return keys.count
    }
}
