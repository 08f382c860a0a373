public import Foundation
import NIOHTTP1

extension S3Store {
    /// Uploads `file` in parts of `partSize`: each part carries its `Content-MD5` and is
    /// retried by the client on its own; on any failure the upload is aborted, so no part
    /// outlives it (a crash between the two is what `sweepUploads` is for). The object appears
    /// whole, or not at all, when the completion succeeds.
    func putMultipart(_ key: ObjectKey, file: LocalFile) throws -> ObjectInfo {
        let digest = try file.sha256Hex()
        let contentType = ObjectInfo.contentType(for: key)
        let created = try client.send(
            .POST, key: name(key), query: [("uploads", "")],
            headers: [("Content-Type", contentType), (Self.digestHeader, digest)])
        guard created.status == 200, let uploadID = S3XML.values(of: "UploadId", in: created.body).first else {
            throw client.error(created, "create multipart upload", key: key.rawValue)
        }
        do {
            var etags: [String] = []
            let partSize = Int64(max(configuration.partSize, 5 << 20))
            var offset: Int64 = 0
            while offset < file.size {
                let bytes = try file.read(at: offset, count: Int(min(partSize, file.size - offset)))
                let md5 = bytes.withUnsafeBytes { S3Digest.md5Base64($0) }
                let number = etags.count + 1
                let response = try client.send(
                    .PUT, key: name(key), query: [("partNumber", String(number)), ("uploadId", uploadID)],
                    headers: [("Content-MD5", md5)], body: bytes)
                guard response.status == 200, let etag = response.header("ETag") else {
                    throw client.error(response, "upload part \(number)", key: key.rawValue)
                }
                etags.append(etag)
                offset += Int64(bytes.count)
            }
            try complete(key, uploadID: uploadID, etags: etags, digest: digest)
        } catch {
            _ = try? client.send(.DELETE, key: name(key), query: [("uploadId", uploadID)])
            throw error
        }
        return ObjectInfo(key: key, size: file.size, etag: digest, contentType: contentType, modified: Date())
    }

    /// CompleteMultipartUpload. S3 may answer 200 with an error document (a failure found
    /// while assembling): that is retried like a 5xx. A retry after a lost answer finds the
    /// upload gone (404 NoSuchUpload); the object's stored digest then tells whether the
    /// first attempt completed it.
    private func complete(_ key: ObjectKey, uploadID: String, etags: [String], digest: String) throws {
        let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
        let body = Data("<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>".utf8)
        var lastCode = ""
        for attempt in 1...max(configuration.retry.attempts, 1) {
            if attempt > 1 { Thread.sleep(forTimeInterval: S3Client.seconds(configuration.retry.delay(beforeRetry: attempt - 1))) }
            let response = try client.send(
                .POST, key: name(key), query: [("uploadId", uploadID)], headers: [("Content-Type", "application/xml")], body: body)
            if response.status == 200 {
                guard let code = response.errorCode else { return }
                lastCode = code
                continue
            }
            if response.status == 404, response.errorCode == "NoSuchUpload", attempt > 1,
                try headIfPresent(key)?.etag == digest
            {
                return
            }
            throw client.error(response, "complete multipart upload", key: key.rawValue)
        }
        throw StoreError(.unavailable, "complete multipart upload kept failing: \(lastCode)", path: key.rawValue)
    }

    /// Aborts every multipart upload under the store's prefix initiated before `cutoff`
    /// (uploads a crashed daemon left; their parts cost storage and are never visible);
    /// returns how many were aborted. Safe on several hosts at once: an abort of an upload
    /// already gone is a 404, skipped. Keep `cutoff` well behind the longest upload.
    @discardableResult
    public func sweepUploads(initiatedBefore cutoff: Date) throws -> Int {
        var aborted = 0
        var markers: (key: String, upload: String)?
        repeat {
            var query = [("uploads", ""), ("prefix", configuration.prefix)]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.upload)] }
            let response = try client.send(.GET, key: nil, query: query)
            guard response.status == 200 else { throw client.error(response, "list multipart uploads", key: nil) }
            let text = String(decoding: response.body, as: UTF8.self)
            for upload in S3XML.blocks(of: "Upload", in: text) {
                guard let key = S3XML.values(of: "Key", in: upload).first, let id = S3XML.values(of: "UploadId", in: upload).first,
                    let initiated = S3XML.values(of: "Initiated", in: upload).first.flatMap(Self.isoDate), initiated < cutoff
                else { continue }
                let abort = try client.send(.DELETE, key: key, query: [("uploadId", id)])
                if abort.status == 204 || abort.status == 200 { aborted += 1 } else if abort.status != 404 {
                    throw client.error(abort, "abort multipart upload", key: key)
                }
            }
            let truncated = S3XML.values(of: "IsTruncated", in: text).first == "true"
            let next = (S3XML.values(of: "NextKeyMarker", in: text).first, S3XML.values(of: "NextUploadIdMarker", in: text).first)
            if truncated, let key = next.0, let upload = next.1 { markers = (key, upload) } else { markers = nil }
        } while markers != nil
        return aborted
    }

    /// Multipart uploads under the store's prefix still open (for tests and the sweep's log).
    public func openUploads() throws -> [String] {
        let response = try client.send(.GET, key: nil, query: [("uploads", ""), ("prefix", configuration.prefix)])
        guard response.status == 200 else { throw client.error(response, "list multipart uploads", key: nil) }
        return S3XML.blocks(of: "Upload", in: String(decoding: response.body, as: UTF8.self)).compactMap {
            S3XML.values(of: "Key", in: $0).first
        }
    }

    /// An ISO 8601 time as S3 writes it (`2026-12-07T04:05:06.000Z`, fraction optional).
    static func isoDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? plain.date(from: text)
    }
}
