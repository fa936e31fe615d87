package dev.patroni4j.client;

import dev.patroni4j.client.PatroniException.Delivery;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Folds the failures of a call that tried several members into the one exception the caller sees:
 * its message says, at the top, whether the request reached any member and what happened at each;
 * its attempts keep each member's typed failure; its type is {@link PatroniParseException} when
 * every member answered something unreadable.
 */
final class EveryMemberFailed {
  private EveryMemberFailed() {}

  /**
   * The exception for {@code what} (e.g. {@code GET /cluster}) having failed on every member.
   *
   * @param attempts at least one, in the order tried
   */
  static PatroniException of(String what, List<MemberAttempt> attempts) {
    if (attempts.isEmpty()) {
      throw new IllegalArgumentException("no attempts");
    }
    long reached = attempts.stream().filter(a -> a.failure().mayHaveReachedServer()).count();
    String members = attempts.size() == 1 ? "the one member" : "all " + attempts.size() + " members";
    String sent = reached == 0 ? "nothing was sent"
        : attempts.size() == 1 ? "the request was sent"
        : reached == attempts.size() ? "the request reached all"
        : "the request reached " + reached + " of " + attempts.size();
    String message = what + " failed on " + members + " tried (" + sent + "): "
        + attempts.stream().map(EveryMemberFailed::describe).collect(Collectors.joining("; "));
    PatroniException first = attempts.get(0).failure();
    Delivery delivery = delivery(attempts);
    int status = commonStatus(attempts).orElse(-1);
    String body = attempts.size() == 1 ? first.responseBody().orElse(null) : null;
    PatroniException folded;
    if (attempts.stream().allMatch(a -> a.failure() instanceof PatroniParseException)) {
      String path = ((PatroniParseException) first).path();
      folded = new PatroniParseException(message, path, first, delivery, what, status, body, attempts);
    } else {
      folded = new PatroniException(message, first, delivery, what, status, body, attempts);
    }
    attempts.stream().skip(1).forEach(a -> folded.addSuppressed(a.failure()));
    return folded;
  }

  /** The member and what happened there, without repeating the call's own target. */
  private static String describe(MemberAttempt attempt) {
    PatroniException failure = attempt.failure();
    String text = String.valueOf(failure.getMessage());
    String prefix = failure.target().map(t -> t + ": ").orElse("");
    if (!prefix.isEmpty() && text.startsWith(prefix)) {
      text = text.substring(prefix.length());
    }
    return attempt.member() + " " + text;
  }

  /**
   * The furthest any member got: answered if one answered, possibly sent if one may have got it
   * (e.g. a TLS 1.3 server that refused our certificate after our side of the handshake, while the
   * request was on its way), else not sent.
   */
  private static Delivery delivery(List<MemberAttempt> attempts) {
    if (attempts.stream().anyMatch(a -> a.delivery() == Delivery.ANSWERED)) {
      return Delivery.ANSWERED;
    }
    if (attempts.stream().anyMatch(a -> a.delivery() == Delivery.POSSIBLY_SENT)) {
      return Delivery.POSSIBLY_SENT;
    }
    return Delivery.NOT_SENT;
  }

  private static OptionalInt commonStatus(List<MemberAttempt> attempts) {
    List<OptionalInt> statuses = attempts.stream().map(a -> a.failure().statusCode()).distinct().toList();
    return statuses.size() == 1 ? statuses.get(0) : OptionalInt.empty();
  }
}
