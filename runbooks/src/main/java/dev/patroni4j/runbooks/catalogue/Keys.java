package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Fact;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The typed bindings and facts of the catalogue's runbooks, as journaled. */
final class Keys {
  private Keys() {}

  // ---- bindings ----
  /** The leader to switch away from, fixed when the plan is made. */
  static final Fact<String> FROM = Fact.text("from");
  /** The candidate named or chosen when the plan is made; absent: choose when deciding. */
  static final Fact<String> TO = Fact.text("to");
  /** Why the failover candidate was chosen (or why there is none). */
  static final Fact<String> TO_REASON = Fact.text("to-reason");
  static final Fact<String> RESTART_FROM = Fact.text("restart-from");
  static final Fact<String> RESTART_TO = Fact.text("restart-to");
  /** The rolling restart's order: member names and the markers {@code @settle}, {@code @caught-up}, {@code @switchover}. */
  static final Fact<List<String>> SEQUENCE = Fact.texts("sequence");
  static final Fact<String> CONFIG_VERSION = Fact.text("config-version");
  /**
   * The members the run's final check must cover, each with its PostgreSQL address ({@code host:port}, empty if
   * Patroni reported none), so that a member that left the topology can still be asked {@code pg_is_in_recovery()}.
   */
  static final Fact<Map<String, String>> MEMBERS = Fact.textMap("members");

  // ---- facts ----
  static final Fact<String> LEADER = Fact.text("leader");
  static final Fact<Timeline> TIMELINE = Fact.timeline("timeline");
  static final Fact<String> CANDIDATE = Fact.text("candidate");
  static final Fact<String> NEW_LEADER = Fact.text("newLeader");
  static final Fact<Timeline> NEW_TIMELINE = Fact.timeline("newTimeline");
  /** How Patroni answered an action: the {@code Outcome} kind. */
  static final Fact<Outcome.Kind> OUTCOME = Fact.constant("outcome", Outcome.Kind.class);
  static final Fact<Long> HTTP = Fact.number("http");
  /** Patroni's refusal, as {@code Outcome.Refusal}. */
  static final Fact<Outcome.Refusal> REFUSAL = Fact.constant("refusal", Outcome.Refusal.class);
  /** The member Patroni named in its answer (switched or failed over to). */
  static final Fact<String> ACTUAL_MEMBER = Fact.text("actualMember");
  static final Fact<List<String>> PENDING_RESTART = Fact.texts("pendingRestart");
  static final Fact<String> ROLE = Fact.text("role");
  static final Fact<Instant> POSTMASTER_START = Fact.instant("postmasterStart");
  static final Fact<String> STATE = Fact.text("state");
  static final Fact<Instant> REQUESTED_AT = Fact.instant("requestedAt");
  static final Fact<String> AT = Fact.text("at");
  static final Fact<List<String>> KEYS = Fact.texts("keys");
  static final Fact<String> VERSION = Fact.text("version");
  static final Fact<String> PLANNED = Fact.text("planned");
  static final Fact<String> CURRENT = Fact.text("current");
  static final Fact<String> SYSTEM_IDENTIFIER = Fact.text("systemIdentifier");
  static final Fact<Long> REVISION = Fact.number("revision");
  static final Fact<List<String>> REGISTERED = Fact.texts("members");
  static final Fact<List<String>> NOT_YET = Fact.texts("notYet");
  /** Planned members no longer in the topology. */
  static final Fact<List<String>> MISSING = Fact.texts("missing");
  /** Members whose PostgreSQL accepts writes ({@code pg_is_in_recovery()} false). */
  static final Fact<List<String>> WRITABLE = Fact.texts("writable");
}
