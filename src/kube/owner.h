#pragma once

#include <string>

#include "common/result.h"
#include "kube/client.h"

namespace aviary::kube {

// An ownerReference to `owner` (which must carry apiVersion, kind, metadata.name and uid). With
// `controller`, the garbage collector and kubectl treat `owner` as the managing controller;
// blockOwnerDeletion keeps foreground deletion of the owner waiting for the dependent.
Json ownerReference(const Json& owner, bool controller = true, bool block_owner_deletion = true);

// Makes `owner` the controller of `object`. Error FailedPrecondition when another controller owns
// it (aviary never takes over objects it did not create); adding the same reference twice is a
// no-op.
Status setControllerReference(Json& object, const Json& owner);

// True when `object` has an owner reference with `owner_uid` (controller or not).
bool isOwnedBy(const Json& object, const std::string& owner_uid);
// The uid of the controller owner, or "" when none.
std::string controllerUid(const Json& object);

bool hasFinalizer(const Json& object, const std::string& finalizer);
// Adds/removes `finalizer`; returns whether the object changed (so callers write only then).
bool addFinalizer(Json& object, const std::string& finalizer);
bool removeFinalizer(Json& object, const std::string& finalizer);
// True when metadata.deletionTimestamp is set: finalizers run, nothing new is created.
bool isBeingDeleted(const Json& object);

}  // namespace aviary::kube
