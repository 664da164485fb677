#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/common/clock.hpp"
#include "rally/track/corpus_preparation.hpp"

#include "actor_base.hpp"

namespace rally::actors {

// Seed: TaskExecutionActor. Runs preparation tasks handed out by its
// TrackPreparationActor (track::CorpusPreparation: download, unpack, index a corpus file),
// in short steps driven by WakeupMessages so that it stays responsive, and can be stopped,
// while it works through gigabytes.
class TaskExecutionActor : public ActorBase {
 public:
  explicit TaskExecutionActor(caf::actor_config& cfg);
  caf::behavior make_behavior() override;
  // Drops every actor handle: handles held after exit form cycles that keep actors alive.
  void on_exit() override;

 private:
  void fail(const std::string& reason);

  caf::actor parent_;
  std::string host_;
  std::unique_ptr<track::CorpusPreparation> preparation_;
  Nanos last_status_ = 0;
  bool drew_bar_ = false;
};

}  // namespace rally::actors
