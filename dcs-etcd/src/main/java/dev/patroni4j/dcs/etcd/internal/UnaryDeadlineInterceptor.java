package dev.patroni4j.dcs.etcd.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Puts a gRPC deadline on every unary call (range, put, txn, authenticate, ...), which jetcd does not do itself: a
 * frozen etcd would otherwise hold a call, and its connection slot, forever. Streams (watch, lease keep-alive) are
 * long-lived by design and left alone.
 */
public final class UnaryDeadlineInterceptor implements ClientInterceptor {

  private final long timeoutNanos;

  public UnaryDeadlineInterceptor(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
      return next.newCall(method, options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
    }
    return next.newCall(method, options);
  }
}
