import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './ids';

export const USER_ID_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.userId.name, SearchAttributeType.INT);
export const OUTCOME_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.outcome.name, SearchAttributeType.KEYWORD);
export const TRIGGER_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.trigger.name, SearchAttributeType.KEYWORD);
export const USER_IDS_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.userIds.name, SearchAttributeType.KEYWORD_LIST);
