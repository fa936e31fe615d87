package dev.patroni4j.client.internal;

import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.Outcome.Refusal;
import dev.patroni4j.client.Outcome.UnknownCause;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.internal.http.HttpResult;
import dev.patroni4j.client.internal.json.ModelParsers;
import dev.patroni4j.client.model.DynamicConfig;
import java.io.InterruptedIOException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns Patroni's answer to a mutating call into an {@link Outcome}, from the status code and,
 * where Patroni reuses a code for different things (503), from its message.
 */
public final class OutcomeMapper {
  /** The mutating endpoints, which differ in how a code is read. */
  public enum Action { SWITCHOVER, FAILOVER, CANCEL_SWITCHOVER, RESTART, CANCEL_RESTART, RELOAD, REINITIALIZE, PATCH_CONFIG, PUT_CONFIG }

  private static final Pattern INSTEAD = Pattern.compile("to \"(.*)\" instead of \"(.*)\"");
  private static final Pattern TO_MEMBER = Pattern.compile("(?:switched|failed) over to \"(.*)\"", Pattern.CASE_INSENSITIVE);

  private OutcomeMapper() {}

  public static Outcome fromAnswer(Action action, HttpResult r) {
    int code = r.code();
    String message = r.message();
    String target = r.target();
    if (r.bodyIncomplete() && (code < 200 || code >= 300)) {
      return new Outcome.Unknown(target, UnknownCause.CONNECTION_LOST, code, "answer " + code + " cut short: " + message, null);
    }
    if (code >= 500 && looksLikeProxy(r)) {
      return new Outcome.Unknown(target, UnknownCause.PROXY_ERROR, code, "answered " + code + " by something other than Patroni: " + message, null);
    }
    if (code >= 200 && code < 300) {
      return success(action, r, message);
    }
    String lower = message.toLowerCase(Locale.ROOT);
    switch (code) {
      case 400, 411:
        return new Outcome.Refused(target, code, Refusal.BAD_REQUEST, message);
      case 401, 403:
        return new Outcome.Refused(target, code, Refusal.NOT_AUTHORIZED, message);
      case 404:
        return new Outcome.Refused(target, code, action == Action.CANCEL_RESTART || action == Action.CANCEL_SWITCHOVER ? Refusal.NOTHING_SCHEDULED : Refusal.OTHER, message);
      case 409:
        return new Outcome.Refused(target, code, Refusal.CONFLICT, message);
      case 412:
        return new Outcome.Refused(target, code, Refusal.PRECONDITION_FAILED, message);
      case 422:
        return new Outcome.Refused(target, code, Refusal.UNPROCESSABLE, message);
      case 501:
        return new Outcome.Refused(target, code, Refusal.NOT_SUPPORTED, message);
      default:
        break;
    }
    if (lower.contains("status unknown")) {
      return new Outcome.Unknown(target, UnknownCause.STATUS_UNKNOWN, code, message, null);
    }
    if (lower.contains("already in progress") || lower.contains("still starting")) {
      return new Outcome.Refused(target, code, Refusal.BUSY, message);
    }
    if (lower.contains("conditions are not satisfied") || lower.contains("has no leader") || lower.contains("i am the leader")
        || lower.contains("paused state")) {
      return new Outcome.Refused(target, code, Refusal.CONDITIONS_NOT_MET, message);
    }
    return new Outcome.Failed(target, code, message.isEmpty() ? "HTTP " + code : message);
  }

  /**
   * A transport failure of a mutating call. NOT_SENT is rethrown (nothing happened, the caller may
   * try again); anything later is an {@link Outcome.Unknown}.
   */
  public static Outcome fromFailure(PatroniException e) {
    if (e.delivery() == PatroniException.Delivery.NOT_SENT || e.delivery() == PatroniException.Delivery.NO_REQUEST) {
      throw e;
    }
    if (e.delivery() == PatroniException.Delivery.ANSWERED) {
      return new Outcome.Unknown(e.target().orElse("?"), UnknownCause.CONNECTION_LOST, e.statusCode().orElse(-1), message(e), e);
    }
    boolean timeout = e.getCause() instanceof InterruptedIOException;
    return new Outcome.Unknown(e.target().orElse("?"), timeout ? UnknownCause.TIMEOUT : UnknownCause.CONNECTION_LOST, -1, message(e), e);
  }

  private static Outcome success(Action action, HttpResult r, String message) {
    int code = r.code();
    String target = r.target();
    if (code == 202 && (action == Action.SWITCHOVER || action == Action.RESTART)) {
      return new Outcome.Scheduled(target, code, message);
    }
    switch (action) {
      case SWITCHOVER, FAILOVER -> {
        Matcher instead = INSTEAD.matcher(message);
        if (instead.find()) {
          return new Outcome.DoneWithOtherMember(target, code, message, instead.group(2), instead.group(1));
        }
        Matcher to = TO_MEMBER.matcher(message);
        return new Outcome.Done(target, code, message, to.find() ? to.group(1) : null, null);
      }
      case PATCH_CONFIG, PUT_CONFIG -> {
        return new Outcome.Done(target, code, "configuration " + (action == Action.PUT_CONFIG ? "replaced" : "updated"), null, configOrNull(r));
      }
      default -> {
        return new Outcome.Done(target, code, message, null, null);
      }
    }
  }

  private static @Nullable DynamicConfig configOrNull(HttpResult r) {
    if (r.bodyIncomplete()) {
      return null;
    }
    try {
      return ModelParsers.dynamicConfig(r.body());
    } catch (PatroniException e) {
      // The change was applied (200); an unreadable echo does not undo that.
      return null;
    }
  }

  private static boolean looksLikeProxy(HttpResult r) {
    if (r.isPatroniErrorPage()) {
      return false;
    }
    String head = r.body().stripLeading().toLowerCase(Locale.ROOT);
    return head.startsWith("<") || ((r.code() == 502 || r.code() == 504) && r.body().isBlank());
  }

  private static String message(Exception e) {
    return Objects.requireNonNullElse(e.getMessage(), e.toString());
  }
}
