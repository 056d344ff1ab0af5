package io.hostwatch.service.nova;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8 text, at most {@code max} bytes: a longer answer (a broken or
 * hostile endpoint) fails the request with an {@link IOException} instead of filling the heap.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<String> {
    /** The cap on every answer from Keystone, Nova and Masakari. */
    public static final int DEFAULT_MAX = 1 << 20;

    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final int max;
    private Flow.Subscription subscription;

    private BoundedBody(int max) {
        this.max = max;
    }

    public static HttpResponse.BodyHandler<String> handler(int max) {
        return info -> new BoundedBody(max);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            if (buffer.size() + (long) b.remaining() > max) {
                subscription.cancel();
                result.completeExceptionally(new IOException("response body is larger than " + max + " bytes"));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toString(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }
}
