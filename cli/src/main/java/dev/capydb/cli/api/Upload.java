package dev.capydb.cli.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** Streams a file to a presigned PUT URL (object storage, not the API: no bearer token, S3 errors in XML). */
public final class Upload {

    private Upload() {}

    /** {@code progress} gets the bytes sent so far, from the thread that reads the file. */
    public static void put(HttpClient http, String url, Path file, LongConsumer progress) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw ApiException.local("file_unreadable", "cannot read " + file + ": " + e.getMessage());
        }
        // A known length: object storage wants Content-Length, not a chunked body.
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> counting(file, progress)), size);
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).PUT(body).build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiException.local("upload_failed", "upload failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.local("interrupted", "upload interrupted");
        }
        if (r.statusCode() / 100 != 2) {
            String b = r.body() == null ? "" : r.body().strip();
            throw ApiException.local(
                    "upload_failed",
                    "object storage refused the upload: HTTP " + r.statusCode()
                            + (b.isEmpty() ? "" : " " + (b.length() > 300 ? b.substring(0, 300) + "…" : b)));
        }
    }

    private static InputStream counting(Path file, LongConsumer progress) {
        try {
            return new FilterInputStream(Files.newInputStream(file)) {
                private long sent;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        progress.accept(++sent);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        sent += n;
                        progress.accept(sent);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
