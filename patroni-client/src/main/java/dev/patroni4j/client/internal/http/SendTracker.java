package dev.patroni4j.client.internal.http;

import java.io.IOException;
import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Records whether a call started writing its request, so a failure can be told apart: before the
 * request headers went out nothing can have been applied; after, it may have been.
 */
final class SendTracker {
  private volatile boolean requestStarted;

  boolean requestStarted() {
    return requestStarted;
  }

  static final EventListener.Factory FACTORY =
      call -> {
        SendTracker t = call.request().tag(SendTracker.class);
        return t == null ? EventListener.NONE : new Listener(t);
      };

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
    public void requestFailed(Call call, IOException ioe) {
      tracker.requestStarted = true;
    }
  }
}
