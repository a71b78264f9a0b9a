package io.waitline.sync.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.hl7v2.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Acknowledgements HAPI builds for text that is not a message: always an AR with the reason, whatever the header. */
class Hl7MessagesTest {
  final Hl7Messages messages = new Hl7Messages();

  @ParameterizedTest
  @ValueSource(strings = {"", "PID|1||4711", "MSH|garbage", "MSH|^~\\PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.5.1",
      "MSH|^~\\&|PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.1\rSCH|1"})
  void textThatIsNotAMessageIsAnsweredARWithItsReason(String text) {
    String ack = messages.reject(text, "Not a message Waitline reads.", ErrorCode.SEGMENT_SEQUENCE_ERROR);

    assertThat(ack).contains("MSA|AR").contains("Not a message Waitline reads.");
  }

  @Test
  void aRejectedMessageWhoseHeaderReadsIsAnsweredWithItsControlId() {
    String ack = messages.reject("MSH|^~\\&|PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c9|P|2.1\rSCH|1",
        "HL7 version 2.1 is not supported.", ErrorCode.UNSUPPORTED_VERSION_ID);

    assertThat(ack).contains("MSA|AR|c9").contains("HL7 version 2.1 is not supported.");
  }

  /** The listener warms HAPI up before it opens; a warm-up booking HAPI could not read would stop the node starting. */
  @Test
  void theWarmUpBookingIsReadAndAnsweredAsARealOneWouldBe() {
    assertThatCode(messages::warmUp).doesNotThrowAnyException();
  }

  @Test
  void languagesReadAsTwoLetterCodes() {
    assertThat(Hl7MessageReader.language("fra")).isEqualTo("fr");
    assertThat(Hl7MessageReader.language("EN-us")).isEqualTo("en");
    assertThat(Hl7MessageReader.language("E")).isNull();
  }
}
