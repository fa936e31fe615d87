package dev.patroni4j.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.internal.OutcomeMapper.Action;
import dev.patroni4j.client.internal.http.HttpResult;
import org.junit.jupiter.api.Test;

/** Patroni's answers to a switchover, classified once, for the REST client and the runbooks alike. */
class OutcomeMapperTest {
  private static Outcome switchover(int code, String body) {
    return OutcomeMapper.fromAnswer(Action.SWITCHOVER, new HttpResult("POST http://pg1:8008/switchover", code, body, null));
  }

  // Moved from the runbooks' CandidateRulesTest with the runbooks' own ActionReply classification, which is gone.
  @Test
  void patroniAnswersAreClassifiedWithStatusUnknownAsUnknownNotFailed() {
    assertThat(switchover(200, "Successfully switched over to \"pg2\"").kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(switchover(202, "Switchover scheduled").kind()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(switchover(503, "Switchover status unknown").kind()).isEqualTo(Outcome.Kind.UNKNOWN);
    assertThat(switchover(503, "Switchover failed").kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(switchover(412, "no good candidates have been found").kind()).isEqualTo(Outcome.Kind.REFUSED);
    assertThat(switchover(502, "<html>Bad Gateway</html>").kind()).isEqualTo(Outcome.Kind.UNKNOWN);
    assertThat(switchover(503, "restart conditions are not satisfied").kind()).isEqualTo(Outcome.Kind.REFUSED);
  }

  @Test
  void aRefusalKeepsItsReasonAndASuccessTheMemberPatroniNamed() {
    assertThat(switchover(412, "no good candidates have been found"))
        .isInstanceOfSatisfying(Outcome.Refused.class, r -> {
          assertThat(r.reason()).isEqualTo(Outcome.Refusal.PRECONDITION_FAILED);
          assertThat(r.message()).isEqualTo("no good candidates have been found");
        });
    assertThat(switchover(200, "Successfully switched over to \"pg3\"").member()).hasValue("pg3");
  }
}
