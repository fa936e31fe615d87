package dev.patroni4j.client;

import dev.patroni4j.client.model.DynamicConfig;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How a mutating call ended. Exactly one of:
 *
 * <ul>
 *   <li>{@link Done}: Patroni did it (for a switchover or failover, to the member asked for);
 *   <li>{@link DoneWithOtherMember}: Patroni did it, but with another member than asked ({@code
 *       Switched over to "X" instead of "Y"});
 *   <li>{@link Scheduled}: Patroni accepted it for later (scheduled switchover or restart);
 *   <li>{@link Refused}: Patroni did nothing and said why (412, 409, 400, 422, 404, ...);
 *   <li>{@link Failed}: Patroni tried and it did not work ({@code Switchover failed}, {@code restart
 *       failed});
 *   <li>{@link Unknown}: nobody can tell from here ({@code 503 Switchover status unknown}, a
 *       timeout or connection reset after the request was sent, a proxy error). Observe the
 *       cluster to find out; never send the request again blindly.
 * </ul>
 *
 * <p>A request that certainly did not leave is not an outcome: it throws a {@link
 * PatroniException} with {@link PatroniException.Delivery#NOT_SENT}. No mutating request is ever
 * retried by this library.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * Outcome o = client.switchover(SwitchoverRequest.from("pg1").to("pg2"));
 * switch (o.kind()) {
 *   case DONE, DONE_WITH_OTHER_MEMBER -> System.out.println("leader is now " + o.member().orElse("?"));
 *   case REFUSED -> System.out.println("refused: " + o.message());
 *   case UNKNOWN -> client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofMinutes(1)); // observe, never resend
 *   default -> o.orThrow();
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Outcome
    permits Outcome.Done,
        Outcome.DoneWithOtherMember,
        Outcome.Scheduled,
        Outcome.Refused,
        Outcome.Failed,
        Outcome.Unknown {

  /** The variants, for {@code switch}. */
  enum Kind { DONE, DONE_WITH_OTHER_MEMBER, SCHEDULED, REFUSED, FAILED, UNKNOWN }

  /** Why Patroni refused. */
  enum Refusal {
    /** 412: a precondition failed (leader name does not match, no good candidate, candidate does not exist). */
    PRECONDITION_FAILED,
    /** 409: a concurrent change won (config version race, failover key CAS) or a restart is already scheduled. */
    CONFLICT,
    /** 400 or 411: the request was not acceptable (bad field, same source and target, paused). */
    BAD_REQUEST,
    /** 422: a schedule in the past or unreadable. */
    UNPROCESSABLE,
    /** 404: nothing to cancel. */
    NOTHING_SCHEDULED,
    /** 401 or 403: not authenticated, no client certificate, or not in the allowlist. */
    NOT_AUTHORIZED,
    /** 503/500: the member's state does not allow it (restart conditions not met, no leader, is the leader, paused). */
    CONDITIONS_NOT_MET,
    /** 503: another action is in progress on the member. */
    BUSY,
    /** 501: this Patroni version does not have the endpoint. */
    NOT_SUPPORTED,
    /** Any other refusal; see the message. */
    OTHER
  }

  /** Why the outcome is unknown. */
  enum UnknownCause {
    /** Patroni answered 503 "status unknown": the operation may still be in progress. */
    STATUS_UNKNOWN,
    /** No answer within the deadline after the request was sent. */
    TIMEOUT,
    /** The connection ended after the request was sent, or the answer was cut short. */
    CONNECTION_LOST,
    /** A proxy or load balancer answered (e.g. an HTML 502) instead of Patroni. */
    PROXY_ERROR
  }

  Kind kind();

  /** What was called, e.g. {@code POST https://10.0.0.1:8008/switchover}. */
  String target();

  /** Patroni's message, or a description of what happened. */
  String message();

  /** The HTTP status, if Patroni (or a proxy) answered. */
  OptionalInt statusCode();

  /** The member the action ended on, where Patroni names one (switchover, failover). */
  default Optional<String> member() {
    return Optional.empty();
  }

  /** True for {@link Done}, {@link DoneWithOtherMember} and {@link Scheduled}. */
  default boolean isSuccess() {
    return kind() == Kind.DONE || kind() == Kind.DONE_WITH_OTHER_MEMBER || kind() == Kind.SCHEDULED;
  }

  /**
   * Returns this outcome if it is a success, else throws {@link PatroniActionException} carrying it
   * (delivery ANSWERED for refused and failed; POSSIBLY_SENT for unknown without an answer).
   */
  default Outcome orThrow() {
    if (isSuccess()) {
      return this;
    }
    throw new PatroniActionException(this);
  }

  /**
   * Done as asked.
   *
   * @param target what was called
   * @param code the HTTP status
   * @param message Patroni's message
   * @param actualMember the member named in Patroni's answer (switchover/failover target), or null
   * @param config the configuration after a config change, or null for other calls
   */
  record Done(String target, int code, String message, @Nullable String actualMember, @Nullable DynamicConfig config)
      implements Outcome {
    public Done {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override public Kind kind() { return Kind.DONE; }
    @Override public OptionalInt statusCode() { return OptionalInt.of(code); }
    @Override public Optional<String> member() { return Optional.ofNullable(actualMember); }

    /** The configuration after a config change. */
    public Optional<DynamicConfig> newConfig() { return Optional.ofNullable(config); }
  }

  /**
   * Done, with another member than the one asked for.
   *
   * @param target what was called
   * @param code the HTTP status
   * @param message Patroni's message
   * @param requestedMember the member asked for
   * @param actualMember the member it ended on
   */
  record DoneWithOtherMember(String target, int code, String message, String requestedMember, String actualMember)
      implements Outcome {
    public DoneWithOtherMember {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(message, "message == null");
      Objects.requireNonNull(requestedMember, "requestedMember == null");
      Objects.requireNonNull(actualMember, "actualMember == null");
    }

    @Override public Kind kind() { return Kind.DONE_WITH_OTHER_MEMBER; }
    @Override public OptionalInt statusCode() { return OptionalInt.of(code); }
    @Override public Optional<String> member() { return Optional.of(actualMember); }
  }

  /**
   * Accepted for later.
   *
   * @param target what was called
   * @param code the HTTP status (202)
   * @param message Patroni's message
   */
  record Scheduled(String target, int code, String message) implements Outcome {
    public Scheduled {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override public Kind kind() { return Kind.SCHEDULED; }
    @Override public OptionalInt statusCode() { return OptionalInt.of(code); }
  }

  /**
   * Refused; nothing was changed.
   *
   * @param target what was called
   * @param code the HTTP status
   * @param reason the kind of refusal
   * @param message Patroni's reason
   */
  record Refused(String target, int code, Refusal reason, String message) implements Outcome {
    public Refused {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override public Kind kind() { return Kind.REFUSED; }
    @Override public OptionalInt statusCode() { return OptionalInt.of(code); }
  }

  /**
   * Tried and failed.
   *
   * @param target what was called
   * @param code the HTTP status
   * @param message Patroni's message
   */
  record Failed(String target, int code, String message) implements Outcome {
    public Failed {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override public Kind kind() { return Kind.FAILED; }
    @Override public OptionalInt statusCode() { return OptionalInt.of(code); }
  }

  /**
   * Unknown: the request was sent and may or may not have taken effect.
   *
   * @param target what was called
   * @param cause why it is unknown
   * @param code the HTTP status if there was an answer, else -1
   * @param message what was seen
   * @param error the transport error, if any
   */
  record Unknown(String target, UnknownCause cause, int code, String message, @Nullable PatroniException error)
      implements Outcome {
    public Unknown {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(cause, "cause == null");
      Objects.requireNonNull(message, "message == null");
    }

    @Override public Kind kind() { return Kind.UNKNOWN; }
    @Override public OptionalInt statusCode() { return code < 0 ? OptionalInt.empty() : OptionalInt.of(code); }
  }
}
