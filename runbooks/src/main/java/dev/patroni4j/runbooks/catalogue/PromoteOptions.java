package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Confirmation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@link StandbySites#promote} makes sure the standby site does not become a second primary site: it observes the
 * primary site ({@link Builder#primarySite}) and refuses while that site's leader accepts writes, unless the caller
 * confirms the primary site with its token ({@link Builder#primarySiteConfirmation}); or the caller states how the
 * primary site was fenced ({@link Builder#primarySiteFenced}), when it cannot be observed from here at all.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * // given: PatroniRunbooks siteA; String typedTokenOfSiteA;
 * PromoteOptions planned = PromoteOptions.builder().primarySite(siteA).build();            // refused while A writes
 * PromoteOptions forced = PromoteOptions.builder().primarySite(siteA)
 *     .primarySiteConfirmation(Confirmation.of(typedTokenOfSiteA)).build();                 // A accepted as lost
 * PromoteOptions blind = PromoteOptions.builder().primarySiteFenced("site A powered off by the DC team").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PromoteOptions {
  private final @Nullable PatroniRunbooks primarySite;
  private final @Nullable Confirmation primarySiteConfirmation;
  private final @Nullable String fencedBy;
  private final Duration timeout;

  private PromoteOptions(Builder b) {
    this.primarySite = b.primarySite;
    this.primarySiteConfirmation = b.primarySiteConfirmation;
    this.fencedBy = b.fencedBy;
    this.timeout = b.timeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The primary site's catalogue, observed before the promotion. */
  public Optional<PatroniRunbooks> primarySite() {
    return Optional.ofNullable(primarySite);
  }

  /** The primary site's confirmation token, accepting that its leader may still take writes that will be lost. */
  public Optional<Confirmation> primarySiteConfirmation() {
    return Optional.ofNullable(primarySiteConfirmation);
  }

  /** How the caller fenced the primary site, when it is not observed. */
  public Optional<String> primarySiteFenced() {
    return Optional.ofNullable(fencedBy);
  }

  /** How long the standby site may take until its leader is a writable primary and its members stream from it. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "PromoteOptions[primarySite=" + (primarySite == null ? "not observed" : primarySite.scope())
        + ", confirmation=" + (primarySiteConfirmation == null ? "none" : "given") + ", fenced="
        + (fencedBy == null ? "-" : fencedBy) + ", timeout=" + timeout + "]";
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private @Nullable PatroniRunbooks primarySite;
    private @Nullable Confirmation primarySiteConfirmation;
    private @Nullable String fencedBy;
    private Duration timeout = Duration.ofMinutes(3);

    private Builder() {}

    /** Observe the primary site through its catalogue (its REST API, and SQL where it has a connector). */
    public Builder primarySite(PatroniRunbooks site) {
      this.primarySite = Objects.requireNonNull(site, "site == null");
      return this;
    }

    /** The primary site's {@code ClusterIdentity.confirmationToken()}: promote even if its leader still writes. */
    public Builder primarySiteConfirmation(Confirmation confirmation) {
      this.primarySiteConfirmation = Objects.requireNonNull(confirmation, "confirmation == null");
      return this;
    }

    /** The primary site is fenced by means this library cannot observe; {@code how} goes into the plan. */
    public Builder primarySiteFenced(String how) {
      if (how.isBlank()) {
        throw new IllegalArgumentException("say how the primary site was fenced");
      }
      this.fencedBy = how;
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The options; exactly one of {@link #primarySite} and {@link #primarySiteFenced} must have been given.
     *
     * @throws IllegalStateException when neither a primary site to observe nor a fencing statement is given, or both
     */
    public PromoteOptions build() {
      if ((primarySite == null) == (fencedBy == null)) {
        throw new IllegalStateException("give either primarySite(...) (observed before promoting) or "
            + "primarySiteFenced(...) (how it was fenced), not " + (primarySite == null ? "neither" : "both"));
      }
      if (primarySiteConfirmation != null && primarySite == null) {
        throw new IllegalStateException("primarySiteConfirmation(...) confirms an observed primarySite(...)");
      }
      return new PromoteOptions(this);
    }
  }
}
