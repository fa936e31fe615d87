package dev.patroni4j.client.internal.http;

import dev.patroni4j.client.RequestListener;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Follows one call's progress. It records whether the call started writing its request, so a failure can be told
 * apart (before the request headers went out nothing can have been applied; after, it may have been), and tells
 * the client's {@link RequestListener} and the one of this call, each guarded on its own, when the request has been written and when the status line came back.
 */
final class SendTracker {
  private static final System.Logger LOG = System.getLogger("dev.patroni4j.client.http");

  private final RequestListener listener;
  private final RequestListener callListener;
  private final String method;
  private final URI target;
  private final String endpointKind;
  private final AtomicBoolean sent = new AtomicBoolean();
  private volatile boolean requestStarted;

  SendTracker(RequestListener listener, RequestListener callListener, String method, HttpUrl url) {
    this.listener = listener;
    this.callListener = callListener;
    this.method = method;
    // Only scheme, host, port and path: never credentials or the query.
    this.target = URI.create(url.newBuilder().username("").password("").query(null).fragment(null).build().toString());
    String first = url.pathSegments().get(0);
    this.endpointKind = first.isEmpty() ? "patroni" : first;
  }

  boolean requestStarted() {
    return requestStarted;
  }

  /** The request is about to be written (from here on a failure may have reached the server). */
  void started() {
    requestStarted = true;
  }

  void written() {
    if (sent.compareAndSet(false, true)) {
      guarded(() -> listener.requestSent(method, target, endpointKind));
      guarded(() -> callListener.requestSent(method, target, endpointKind));
    }
  }

  void answered(int status) {
    if (sent.get()) {
      guarded(() -> listener.responseReceived(method, target, endpointKind, status));
      guarded(() -> callListener.responseReceived(method, target, endpointKind, status));
    }
  }

  // A listener that throws must not turn a delivered request into a failed call.
  private void guarded(Runnable notification) {
    try {
      notification.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "RequestListener threw on " + method + " " + target + "; ignored", e);
    }
  }

  /** A factory whose listeners track calls tagged with a tracker and also tell the caller's own listener. */
  static EventListener.Factory alongside(EventListener.Factory callers) {
    return call -> {
      EventListener theirs = callers.create(call);
      SendTracker t = call.request().tag(SendTracker.class);
      if (t == null) {
        return theirs;
      }
      EventListener ours = new Listener(t);
      return theirs == EventListener.NONE ? ours : new BothListeners(ours, theirs);
    };
  }

  private static final class Listener extends EventListener {
    private final SendTracker tracker;

    Listener(SendTracker tracker) {
      this.tracker = tracker;
    }

    @Override
    public void requestHeadersStart(Call call) {
      tracker.requestStarted = true;
    }

    @Override
    public void requestHeadersEnd(Call call, Request request) {
      if (request.body() == null) {
        tracker.written();
      }
    }

    @Override
    public void requestBodyEnd(Call call, long byteCount) {
      tracker.written();
    }

    @Override
    public void requestFailed(Call call, IOException ioe) {
      tracker.requestStarted = true;
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      tracker.answered(response.code());
    }
  }
}
